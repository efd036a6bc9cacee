from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.sites import site_url
from notifications.feeds import feed_name
from notifications.models import CalendarFeed
from notifications.selectors import Addresses, addresses_for_user, feeds_for_user
from notifications.services import calendar_subscription_issue


def feed_https_url(token: str) -> str:
    return site_url(reverse("calendar-feed", args=[token]))


class CalendarFeedSerializer(serializers.ModelSerializer):
    """A feed as its subscriber sees it. Only the SHA-256 of an address's token is stored, so
    `https_url` and `webcal_url` are given only in the answer that made the address (null
    otherwise); `subscribed` says whether the user has an address of the feed that works,
    `shared_address_in_use` whether a class's or company's address from before addresses were
    personal still works for everyone who has it. Context: `addresses` (Addresses) and
    `tokens`, the new tokens by feed id."""

    name = serializers.SerializerMethodField()
    subscribed = serializers.SerializerMethodField()
    subscribed_at = serializers.SerializerMethodField()
    reset_at = serializers.SerializerMethodField()
    shared_address_in_use = serializers.SerializerMethodField()
    https_url = serializers.SerializerMethodField()
    webcal_url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = [
            "id",
            "kind",
            "name",
            "subscribed",
            "subscribed_at",
            "reset_at",
            "shared_address_in_use",
            "https_url",
            "webcal_url",
        ]

    def _own(self, feed: CalendarFeed):
        return self.context["addresses"].own.get(feed.pk)

    def get_name(self, feed: CalendarFeed) -> str:
        return feed_name(feed)

    def get_subscribed(self, feed: CalendarFeed) -> bool:
        return self._own(feed) is not None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_subscribed_at(self, feed: CalendarFeed) -> str | None:
        own = self._own(feed)
        return serializers.DateTimeField().to_representation(own.created_at) if own else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_reset_at(self, feed: CalendarFeed) -> str | None:
        own = self._own(feed)
        return serializers.DateTimeField().to_representation(own.reset_at) if own and own.reset_at else None

    def get_shared_address_in_use(self, feed: CalendarFeed) -> bool:
        return feed.pk in self.context["addresses"].shared_from_before

    def get_https_url(self, feed: CalendarFeed) -> str | None:
        token = self.context.get("tokens", {}).get(feed.pk)
        return feed_https_url(token) if token else None

    def get_webcal_url(self, feed: CalendarFeed) -> str | None:
        https = self.get_https_url(feed)
        return "webcal://" + https.split("://", 1)[1] if https else None


FEED_ORDER = (
    CalendarFeed.Kind.TEACHER,
    CalendarFeed.Kind.MEMBER,
    CalendarFeed.Kind.SCHOOL_CLASS,
    CalendarFeed.Kind.COMPANY,
)


def describe_feeds(user: User, feeds: list[CalendarFeed], *, tokens: dict[int, str] | None = None) -> list[dict]:
    """`feeds` of `user` as CalendarFeedSerializer gives them: with the addresses in `tokens`
    (new tokens by feed id), the only time they can be shown."""
    addresses: Addresses = addresses_for_user(user, feeds)
    context = {"addresses": addresses, "tokens": tokens or {}}
    return CalendarFeedSerializer(feeds, many=True, context=context).data


class ResetSerializer(serializers.Serializer):
    stop_shared_address = serializers.BooleanField(default=False)


class CalendarFeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your private calendar subscriptions. POST …/{id}/reset/ gives you a new address of a
    feed (your first one too), shown in that answer only; your previous address of it
    answers 404, other people's addresses of a shared feed keep working. With
    `{"stop_shared_address": true}` the feed's address from before addresses were personal
    stops too."""

    serializer_class = CalendarFeedSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return CalendarFeed.objects.filter(
            pk__in=[feed.pk for feed in feeds_for_user(self.request.user)]
        ).select_related("user", "school_class__school", "company")

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The user's own feed first, then the classes' (teacher) or the companies' (host)."""
        order = {kind: position for position, kind in enumerate(FEED_ORDER)}
        feeds = sorted(self.get_queryset(), key=lambda feed: (order[feed.kind], str(feed_name(feed)), feed.pk))
        return Response(describe_feeds(request.user, feeds))

    @action(detail=True, methods=["post"])
    def reset(self, request: Request, pk: str | None = None) -> Response:
        feed = self.get_object()
        options = ResetSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        token = calendar_subscription_issue(feed=feed, holder=request.user, **options.validated_data)
        return Response(describe_feeds(request.user, [feed], tokens={feed.pk: token})[0])
