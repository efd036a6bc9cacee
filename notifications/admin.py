from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import registry
from notifications.models import CalendarFeed, CalendarSubscription, OutgoingMessage
from notifications.registry import message_source, split_subject_key
from notifications.services import messages_retry_now


def language_name(code: str) -> str:
    """The language named by `code` in the active language, such as "Dansk" for "da"; the code
    itself for a language the site does not offer."""
    return str(dict(settings.LANGUAGES).get(code, code))


class NamedCodeFilter(admin.SimpleListFilter):
    """A filter on a code column without choices (the domains own the codes), offering the
    codes found in the outbox by their names."""

    names: Callable[[], dict[str, str]]

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        names = type(self).names()
        codes = model_admin.get_queryset(request).order_by().values_list(self.parameter_name, flat=True).distinct()
        return sorted(((code, names.get(code, code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> QuerySet[OutgoingMessage]:
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class KindFilter(NamedCodeFilter):
    title = _("kind")
    parameter_name = "kind"
    names = staticmethod(registry.kind_labels)


class RoleFilter(NamedCodeFilter):
    title = _("recipient's role")
    parameter_name = "role"
    names = staticmethod(registry.role_labels)


class LanguageFilter(NamedCodeFilter):
    title = _("language")
    parameter_name = "language"
    names = staticmethod(lambda: {code: language_name(code) for code, _name in settings.LANGUAGES})


# The stored codes are shown by their names; the page lists the fields in the model's order.
NAMED_CODES = {"kind": "kind_name", "role": "role_name", "language": "language_name"}


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """The outbox: what is waiting, what was sent, and what failed with which error."""

    list_display = [
        "kind_name",
        "about",
        "recipient_email",
        "role_name",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", KindFilter, RoleFilter, LanguageFilter]
    search_fields = ["=subject_key", "recipient_email", "recipient_name", "subject", "last_error"]
    date_hierarchy = "due_at"
    readonly_fields = [*(NAMED_CODES.get(field.name, field.name) for field in OutgoingMessage._meta.fields), "about"]
    fields = readonly_fields
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        """A deleted row would drop a message silently, or lose the record that it was sent."""
        return False

    @admin.display(description=_("about"), ordering="subject_key")
    def about(self, message: OutgoingMessage) -> str:
        """The subject key, linked to the subject's admin page where its domain gives one."""
        source = message_source(message.subject_key)
        if source is None or source.admin_url is None:
            return message.subject_key
        return format_html(
            '<a href="{}">{}</a>', source.admin_url(split_subject_key(message.subject_key)[1]), message.subject_key
        )

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, message: OutgoingMessage) -> str:
        return registry.kind_label(message.subject_key, message.kind)

    @admin.display(description=_("recipient's role"), ordering="role")
    def role_name(self, message: OutgoingMessage) -> str:
        return registry.role_label(message.subject_key, message.role)

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, message: OutgoingMessage) -> str:
        return language_name(message.language)

    @admin.display(description=_("last error"))
    def short_error(self, message: OutgoingMessage) -> str:
        return message.last_error[:80]

    @admin.action(description=_("Send the selected failed messages, and those waiting to be retried, again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        count = messages_retry_now(message_ids=queryset.values_list("pk", flat=True))
        text = ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


class CalendarSubscriptionInline(admin.TabularInline):
    """Who holds an address of the feed. Deleting a row makes that address answer 404; a
    token cannot be shown, only its hash is stored."""

    model = CalendarSubscription
    extra = 0
    fields = ["holder", "school", "created_at", "reset_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "school_class", "company", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "company__name", "school_class__name"]
    inlines = [CalendarSubscriptionInline]
