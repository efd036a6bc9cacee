from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.feeds import cache_key, feed_name
from notifications.models import CalendarFeed, new_feed_token
from notifications.rendering import site_url
from notifications.selectors import feeds_for_user


class CalendarFeedSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    https_url = serializers.SerializerMethodField()
    webcal_url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = ["id", "kind", "name", "https_url", "webcal_url", "reset_at"]

    def get_name(self, feed: CalendarFeed) -> str:
        return feed_name(feed)

    def get_https_url(self, feed: CalendarFeed) -> str:
        return site_url(reverse("calendar-feed", args=[feed.token]))

    def get_webcal_url(self, feed: CalendarFeed) -> str:
        return "webcal://" + self.get_https_url(feed).split("://", 1)[1]


FEED_ORDER = (
    CalendarFeed.Kind.TEACHER,
    CalendarFeed.Kind.MEMBER,
    CalendarFeed.Kind.SCHOOL_CLASS,
    CalendarFeed.Kind.COMPANY,
)


class CalendarFeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your private calendar subscriptions. Resetting one makes its old address answer 404."""

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
        return Response(self.get_serializer(feeds, many=True).data)

    @action(detail=True, methods=["post"])
    def reset(self, request: Request, pk: str | None = None) -> Response:
        feed = self.get_object()
        feed.token, feed.reset_at = new_feed_token(), timezone.now()
        feed.save(update_fields=["token", "reset_at"])
        cache.delete(cache_key(feed))  # made under the old token; never served again
        return Response(CalendarFeedSerializer(feed).data)
