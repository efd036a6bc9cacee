from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, AuditEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_consultant", "is_staff", "language"]
    list_filter = ["is_consultant", "is_staff", "is_superuser", "is_active", "language"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Brobyg"), {"fields": ["language", "phone", "is_consultant"]}),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only and for administrators only: it records what everyone did,
    including refused attempts, so staff who are not administrators do not see it."""

    list_display = ["at", "action", "outcome", "actor", "target_type", "target_id"]
    list_filter = ["outcome", ("actor", admin.RelatedOnlyFieldListFilter), "action", "at"]
    search_fields = ["action", "actor__username", "actor__email", "target_type"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    readonly_fields = ["at", "action", "outcome", "actor", "target_type", "target_id", "details"]
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds API keys and until when. The keys themselves are nowhere to be shown: only their
    hashes are stored. Deleting a row (or changing the owner's password) revokes the key."""

    list_display = ["user", "created", "expires"]
    list_filter = ["expires"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "created", "expires"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
