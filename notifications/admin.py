from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import CalendarFeed, OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """The outbox: what is waiting, what was sent, and what failed with which error."""

    list_display = ["kind", "recipient_email", "role", "status", "due_at", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "kind", "role", "language"]
    search_fields = ["recipient_email", "recipient_name", "subject", "last_error"]
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in OutgoingMessage._meta.fields]
    list_select_related = ["booking"]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, message: OutgoingMessage) -> str:
        return message.last_error[:80]

    @admin.action(description=_("Send the selected failed or waiting messages again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        count = queryset.filter(status__in=[OutgoingMessage.Status.FAILED, OutgoingMessage.Status.PENDING]).update(
            status=OutgoingMessage.Status.PENDING, due_at=timezone.now(), attempts=0
        )
        self.message_user(request, _("%(count)d messages will be sent again.") % {"count": count}, messages.SUCCESS)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "school_class", "company", "created_at", "reset_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "company__name", "school_class__name"]
    readonly_fields = ["token"]
