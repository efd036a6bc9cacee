"""Admin for schools, teachers and classes. Saves go through schools' services, so the admin
keeps the same rules as the API; the school page lists its classes, which are added and
changed on their own page."""

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from core.admin import ReadOnlyInline, adopt
from schools import services
from schools.models import School, SchoolClass, Teacher


class SchoolClassInline(ReadOnlyInline):
    model = SchoolClass
    fields = ["name", "grade", "school_year", "pupils"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "institution_number", "kind", "municipality", "city"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "institution_number", "city"]
    fields = [
        "name",
        "institution_number",
        "kind",
        "municipality",
        ("address", "postcode", "city"),
        ("latitude", "longitude"),
    ]
    inlines = [SchoolClassInline]

    def save_model(self, request: HttpRequest, obj: School, form: ModelForm, change: bool) -> None:
        if change:
            services.school_update(school=obj, **form.cleaned_data)
        else:
            adopt(obj, services.school_create(**form.cleaned_data))

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool) -> None:
        """Schools have no many-to-many fields; the read-only inline saves nothing."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["user", "school"]
    list_filter = ["school__municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "school__name"]
    fields = ["user", "school"]
    autocomplete_fields = ["user", "school"]

    def get_readonly_fields(self, request: HttpRequest, obj: Teacher | None = None) -> list[str]:
        return ["user"] if obj else []

    def save_model(self, request: HttpRequest, obj: Teacher, form: ModelForm, change: bool) -> None:
        if change:
            services.teacher_move(teacher=obj, school=form.cleaned_data["school"])
        else:
            adopt(obj, services.teacher_add(**form.cleaned_data))


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "grade", "school_year", "pupils"]
    list_filter = ["grade", "school_year", "school__kind", "school__municipality"]
    search_fields = ["name", "school__name"]
    fields = ["school", "name", "grade", "school_year", "pupils"]
    autocomplete_fields = ["school"]

    def get_readonly_fields(self, request: HttpRequest, obj: SchoolClass | None = None) -> list[str]:
        return ["school"] if obj else []

    def save_model(self, request: HttpRequest, obj: SchoolClass, form: ModelForm, change: bool) -> None:
        if change:
            services.school_class_update(actor=None, school_class=obj, **form.cleaned_data)
        else:
            adopt(obj, services.school_class_create(actor=None, **form.cleaned_data))
