from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from notifications.models import CalendarFeed, CalendarSubscription, OutgoingMessage
from notifications.registry import message_source, split_subject_key


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """The outbox: what is waiting, what was sent, and what failed with which error."""

    list_display = [
        "kind",
        "about",
        "recipient_email",
        "role",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "role", "language"]
    search_fields = ["=subject_key", "recipient_email", "recipient_name", "subject", "last_error"]
    date_hierarchy = "due_at"
    readonly_fields = [*(field.name for field in OutgoingMessage._meta.fields), "about"]
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

    @admin.display(description=_("last error"))
    def short_error(self, message: OutgoingMessage) -> str:
        return message.last_error[:80]

    @admin.action(description=_("Send the selected failed or waiting messages again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        count = queryset.filter(status__in=[OutgoingMessage.Status.FAILED, OutgoingMessage.Status.PENDING]).update(
            status=OutgoingMessage.Status.PENDING, due_at=timezone.now(), attempts=0
        )
        self.message_user(request, _("%(count)d messages will be sent again.") % {"count": count}, messages.SUCCESS)


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
