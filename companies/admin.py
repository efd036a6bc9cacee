"""Admin for companies, their members and role models. Saves go through companies' services,
so the admin keeps the same rules as every other caller; the company page lists its members
and role models, which are added and changed on their own pages."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from companies import services
from companies.models import Company, CompanyMember, RoleModel
from core.admin import ReadOnlyInline, adopt


class CompanyMemberInline(ReadOnlyInline):
    model = CompanyMember
    fields = ["user", "role", "job_title"]


class RoleModelInline(ReadOnlyInline):
    model = RoleModel
    fields = ["name", "job_title", "is_young_ambassador"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "sector", "municipality", "city"]
    # A website typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["sector", "municipality", "clusters"]
    search_fields = ["name", "cvr", "city"]
    fields = [
        "name",
        "cvr",
        "sector",
        "clusters",
        "municipality",
        ("address", "postcode", "city"),
        ("latitude", "longitude"),
        "description",
        ("website", "email", "phone"),
    ]
    filter_horizontal = ["clusters"]
    inlines = [CompanyMemberInline, RoleModelInline]

    def save_model(self, request: HttpRequest, obj: Company, form: ModelForm, change: bool) -> None:
        fields: dict[str, Any] = dict(form.cleaned_data)
        if change:
            services.company_update(company=obj, **fields)
        else:
            adopt(obj, services.company_create(**fields))

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool) -> None:
        """The service has set the clusters; the read-only inlines save nothing."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(CompanyMember)
class CompanyMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "job_title"]
    list_filter = ["role", "company__sector"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "company__name"]
    fields = ["company", "user", "role", "job_title"]
    autocomplete_fields = ["user", "company"]

    def get_readonly_fields(self, request: HttpRequest, obj: CompanyMember | None = None) -> list[str]:
        return ["company", "user"] if obj else []

    def save_model(self, request: HttpRequest, obj: CompanyMember, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.company_member_update(member=obj, role=data["role"], job_title=data["job_title"])
        else:
            adopt(obj, services.company_member_add(**data))


@admin.register(RoleModel)
class RoleModelAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "company", "is_young_ambassador"]
    list_filter = ["is_young_ambassador", "company__sector"]
    search_fields = ["name", "job_title", "company__name"]
    fields = ["company", "name", "job_title", "education_path", "is_young_ambassador", "email"]
    autocomplete_fields = ["company"]

    def get_readonly_fields(self, request: HttpRequest, obj: RoleModel | None = None) -> list[str]:
        return ["company"] if obj else []

    def save_model(self, request: HttpRequest, obj: RoleModel, form: ModelForm, change: bool) -> None:
        if change:
            services.role_model_update(role_model=obj, **form.cleaned_data)
        else:
            adopt(obj, services.role_model_create(**form.cleaned_data))
