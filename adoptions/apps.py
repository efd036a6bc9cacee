from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = _("Class adoptions")

    def ready(self) -> None:
        """Tell notifications how adoption messages are delivered; notifications imports no
        domain."""
        from adoptions import messages
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
