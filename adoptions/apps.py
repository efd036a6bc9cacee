from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = _("Class adoptions")

    def ready(self) -> None:
        """Tell notifications how adoption messages are delivered and what the annual plans add
        to the private calendar feeds; notifications imports no domain."""
        from adoptions import feeds, messages
        from notifications import registry

        registry.register_messages(
            registry.MessageSource(
                subject_type=messages.SUBJECT_TYPE,
                load=messages.adoption_for_message,
                render=messages.render,
                is_current=messages.is_current,
                admin_url=messages.adoption_admin_url,
                kind_labels=dict(messages.Kind.choices),
                role_labels=dict(messages.Role.choices),
            )
        )
        registry.register_messages(
            registry.MessageSource(
                subject_type=messages.UNPLACED_SUBJECT_TYPE,
                load=messages.pair_for_message,
                render=messages.render_unplaced,
                is_current=messages.unplaced_is_current,
                kind_labels=dict(messages.Kind.choices),
                role_labels=dict(messages.Role.choices),
            )
        )
        registry.register_feed_source(
            registry.FeedSource(name="adoptions", events=feeds.feed_events, version=feeds.feed_version_of)
        )
