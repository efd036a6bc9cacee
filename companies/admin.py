from django.contrib import admin

from companies.models import Company, CompanyMember, RoleModel


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0
    autocomplete_fields = ["user"]


class RoleModelInline(admin.StackedInline):
    model = RoleModel
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "sector", "municipality", "city"]
    list_filter = ["sector", "municipality", "clusters"]
    search_fields = ["name", "cvr", "city"]
    filter_horizontal = ["clusters"]
    inlines = [CompanyMemberInline, RoleModelInline]


@admin.register(CompanyMember)
class CompanyMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "job_title"]
    list_filter = ["role", "company__sector"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "company__name"]
    autocomplete_fields = ["user", "company"]


@admin.register(RoleModel)
class RoleModelAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "company", "is_young_ambassador"]
    list_filter = ["is_young_ambassador", "company__sector"]
    search_fields = ["name", "job_title", "company__name"]
    autocomplete_fields = ["company"]
