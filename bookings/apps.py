from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Offers and bookings")

    def ready(self) -> None:
        """Tell notifications how booking messages are delivered and what bookings add to
        the private calendar feeds; notifications imports no domain."""
        from bookings import feeds, messages, services
        from notifications import registry

        registry.register_messages(
            registry.MessageSource(
                subject_type=messages.SUBJECT_TYPE,
                load=messages.booking_for_message,
                render=messages.render,
                is_current=messages.is_current,
                write_pending=services.bookings_announce_next_batch,
                admin_url=messages.booking_admin_url,
                kind_labels=dict(messages.Kind.choices),
                role_labels=dict(messages.Role.choices),
            )
        )
        registry.register_feed_source(
            registry.FeedSource(name="bookings", events=feeds.feed_events, version=feeds.feed_version_of)
        )

        from accounts.signals import person_erasing
        from bookings.services.erasure import person_booking_texts_erase

        person_erasing.connect(person_booking_texts_erase, dispatch_uid="bookings.person_erase")
