from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = _("Class adoptions")

    def ready(self) -> None:
        """Tell notifications what the annual plans add to the private calendar feeds."""
        from adoptions import feeds
        from notifications import registry

        registry.register_feed_source(
            registry.FeedSource(name="adoptions", events=feeds.feed_events, version=feeds.feed_version_of)
        )
