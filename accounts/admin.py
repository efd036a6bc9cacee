from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_consultant", "is_staff", "language"]
    list_filter = ["is_consultant", "is_staff", "is_superuser", "is_active", "language"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Brobyg"), {"fields": ["language", "phone", "is_consultant"]}),
    ]
