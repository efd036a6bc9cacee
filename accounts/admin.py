from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_consultant", "is_staff", "language"]
    list_filter = ["is_consultant", "is_staff", "is_superuser", "is_active", "language"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Brobyg"), {"fields": ["language", "phone", "is_consultant"]}),
    ]


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
