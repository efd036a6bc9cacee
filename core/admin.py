"""Admin for the reference data, and what every app's admin shares."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from core.errors import DomainError
from core.models import Cluster, Municipality, Sector, Subject


class ReadOnlyInline(admin.TabularInline):
    """Rows listed on their parent's page with a link to their own, where they are changed
    (through their services); the inline itself adds, changes and deletes nothing."""

    extra = 0
    show_change_link = True
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def adopt(obj: Model, saved: Model) -> None:
    """An admin that saves through a service goes on with its own `obj` (inlines, log entry,
    redirect): make that the row the service saved."""
    obj.__dict__.update(saved.__dict__)


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose `save_model` and `save_related` write through a service. A DomainError
    from the service is a refusal, not a crash: the save is rolled back with the admin's own
    transaction and the page is shown again with the refusal next to its field."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            # The second pass validates the same POST with the refusal added, so the form is
            # shown again as Django shows any invalid form, and saves nothing.
            request.refusal = refusal  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "refusal", None)
        return form if refusal is None else _refused(form, refusal)


def _refused(form: type[ModelForm], refusal: DomainError) -> type[ModelForm]:
    """`form` that shows `refusal` on its field, or above the form when the field is not on it."""

    class RefusedForm(form):  # type: ignore[valid-type, misc]
        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            self.add_error(refusal.field if refusal.field in self.fields else None, str(refusal.message))
            return cleaned

    return RefusedForm


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
