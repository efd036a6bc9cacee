from django.urls import path

from notifications import feeds

urlpatterns = [
    path("calendar/<str:token>.ics", feeds.private_feed, name="calendar-feed"),
]
