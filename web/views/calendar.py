"""The calendar-subscription page: each person's private feeds and their own address of each.

Only the SHA-256 of an address's token is stored, so a new address is shown once, on the
page the reset leads back to: the reset view keeps the token in the session until that page
has shown it (a redirect, so reloading the page makes no second address). The page says
whether the address replaced an earlier one, which then stopped working, or is the first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from notifications.api import describe_feeds
from notifications.selectors import addresses_for_user, feeds_for_user
from notifications.services import calendar_subscription_issue

NEW_ADDRESSES = "calendar_new_addresses"  # session key: {feed id: token}, until shown
REPLACED_ADDRESSES = "calendar_replaced_addresses"  # session key: [feed ids] of those tokens that replaced one


@login_required
def calendar_subscriptions(request: HttpRequest) -> HttpResponse:
    tokens = {int(feed_id): token for feed_id, token in request.session.pop(NEW_ADDRESSES, {}).items()}
    replaced = set(request.session.pop(REPLACED_ADDRESSES, []))
    feeds = describe_feeds(request.user, feeds_for_user(request.user), tokens=tokens)
    for feed in feeds:
        feed["replaced_address"] = feed["id"] in replaced
    return render(request, "web/calendar/subscriptions.html", {"feeds": feeds})


@login_required
@require_POST
def calendar_subscription_reset(request: HttpRequest, feed_id: int) -> HttpResponse:
    """A new address of one of the user's feeds; any other id, however large, is 404."""
    feed = {feed.pk: feed for feed in feeds_for_user(request.user)}.get(feed_id)
    if feed is None:
        raise Http404
    # Whether the user had an address of the feed that worked, which the new one then replaces.
    replaces = feed.pk in addresses_for_user(request.user, [feed]).own
    try:
        token = calendar_subscription_issue(
            feed=feed, holder=request.user, stop_shared_address=request.POST.get("stop_shared_address") == "on"
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("calendar-subscriptions")
    request.session[NEW_ADDRESSES] = {**request.session.get(NEW_ADDRESSES, {}), str(feed.pk): token}
    replaced = [pk for pk in request.session.get(REPLACED_ADDRESSES, []) if pk != feed.pk]
    request.session[REPLACED_ADDRESSES] = [*replaced, feed.pk] if replaces else replaced
    if replaces:
        messages.success(request, _("Your new calendar address is shown below, only this once."))
    else:
        messages.success(request, _("Your calendar address is shown below, only this once."))
    return redirect("calendar-subscriptions")
