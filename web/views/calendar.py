"""The calendar-subscription page: each person's private feeds, with a reset button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.api import CalendarFeedSerializer
from notifications.models import new_feed_token
from notifications.selectors import feeds_for_user


@login_required
def calendar_subscriptions(request: HttpRequest) -> HttpResponse:
    feeds = CalendarFeedSerializer(feeds_for_user(request.user), many=True).data
    return render(request, "web/calendar/subscriptions.html", {"feeds": feeds})


@login_required
@require_POST
def calendar_subscription_reset(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = {feed.pk: feed for feed in feeds_for_user(request.user)}.get(feed_id)
    if feed is None:
        raise Http404
    feed.token, feed.reset_at = new_feed_token(), timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    messages.success(request, _("The calendar address was reset. The old address no longer works."))
    return redirect("calendar-subscriptions")
