"""Open days in the admin: reads only (every write goes through the services and their pages)."""

from django.contrib import admin

from opendays.models import Application, Host, MatchRun, OpenDay


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OpenDay)
class OpenDayAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "status"]
    list_filter = ["status"]


@admin.register(Host)
class HostAdmin(ReadOnlyAdmin):
    list_display = ["company", "open_day", "places"]
    list_select_related = ["company", "open_day"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Names and e-mails are left out of the lists: an administrator opens one when needed."""

    list_display = ["id", "open_day", "age", "status", "outcome"]
    list_filter = ["status", "outcome"]
    exclude = ["token_hash", "guardian_token_hash"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "open_day", "status", "seed", "finished_at"]
