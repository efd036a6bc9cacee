from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from adoptions.api import register as register_adoptions_api
from bookings.api import BookingViewSet, OfferViewSet, SlotViewSet, WaitlistViewSet
from bookings.feeds import offer_feed
from companies.api import CompanyViewSet
from core.api_views import ping
from notifications.api import CalendarFeedViewSet
from opendays.api import register as register_opendays_api
from overview.api import register as register_overview_api
from schools.api import SchoolClassViewSet, SchoolViewSet

admin.site.site_header = admin.site.site_title = _("Brobyg administration")

# Swagger UI comes from drf-spectacular's default CDN; its start script is a file of its own (the
# split view), so the page needs no inline script, only the CDN beside Brobyg's own files.
SWAGGER_UI_ORIGIN = "https://cdn.jsdelivr.net"
api_docs = csp_update(
    {"script-src": [SWAGGER_UI_ORIGIN], "style-src": [SWAGGER_UI_ORIGIN], "img-src": [SWAGGER_UI_ORIGIN]}
)(SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="web/api_docs.html"))

router = DefaultRouter()
router.register("offers", OfferViewSet, basename="offer")
router.register("slots", SlotViewSet, basename="slot")
router.register("companies", CompanyViewSet, basename="company")
router.register("schools", SchoolViewSet, basename="school")
router.register("classes", SchoolClassViewSet, basename="class")
router.register("bookings", BookingViewSet, basename="booking")
router.register("waitlist", WaitlistViewSet, basename="waitlist")
router.register("calendar-feeds", CalendarFeedViewSet, basename="calendar-feed-settings")
register_adoptions_api(router)
register_opendays_api(router)
register_overview_api(router)

# The router's names (booking-detail, plan-detail, …) live in the "api" namespace so they never collide with the
# web pages' names: a shared name made {% url %} and the API root link to whichever page Django found first.
api_urls = [
    path("", include((router.urls, "api"))),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("ping/", ping, name="ping"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls)),
    path("", include("web.urls")),
    path("", include("notifications.urls")),
    path("calendar/offers/<int:offer_id>.ics", offer_feed, name="offer-feed"),
]
