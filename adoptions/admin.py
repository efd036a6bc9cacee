"""Read-only views of adoption data for administrators: every write goes through the services
and the pages, where the rules and the history live."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from adoptions.models import Adoption, AdoptionRound, AnnualPlan, ClassWish, CompanyCapacity, MatchRun, PairRule


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AdoptionRound)
class AdoptionRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "school_year", "status"]
    list_filter = ["status", "school_year"]


@admin.register(CompanyCapacity)
class CompanyCapacityAdmin(ReadOnlyAdmin):
    list_display = ["company", "round", "classes", "max_travel_km", "activities_per_month"]
    list_select_related = ["company", "round"]


@admin.register(ClassWish)
class ClassWishAdmin(ReadOnlyAdmin):
    list_display = ["school_class", "round", "max_travel_km"]
    list_select_related = ["school_class__school", "round"]


@admin.register(PairRule)
class PairRuleAdmin(ReadOnlyAdmin):
    list_display = ["school_class", "company", "kind", "reason", "created_by", "created_at"]
    list_select_related = ["school_class__school", "company", "created_by"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["round", "status", "progress", "started_at", "solver_seconds", "total_seconds"]
    list_select_related = ["round"]


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = ["school_class", "company", "school_year", "status"]
    list_filter = ["status", "school_year"]
    list_select_related = ["school_class__school", "company"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["adoption", "target_activities"]
    list_select_related = ["adoption__school_class__school", "adoption__company"]
