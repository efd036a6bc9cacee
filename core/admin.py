"""Admin for the reference data, and what every app's admin shares."""

from django.contrib import admin
from django.db.models import Model

from core.models import Cluster, Municipality, Sector, Subject


def adopt(obj: Model, saved: Model) -> None:
    """An admin that saves through a service goes on with its own `obj` (inlines, log entry,
    redirect): make that the row the service saved."""
    obj.__dict__.update(saved.__dict__)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "name_en"]
    search_fields = ["name_da", "name_en"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "name_en"]
    search_fields = ["name_da", "name_en"]
