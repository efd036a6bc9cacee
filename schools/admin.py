from django.contrib import admin

from schools.models import School, SchoolClass, Teacher


class SchoolClassInline(admin.TabularInline):
    model = SchoolClass
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "institution_number", "kind", "municipality", "city"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "institution_number", "city"]
    inlines = [SchoolClassInline]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["user", "school"]
    list_filter = ["school__municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "school__name"]
    autocomplete_fields = ["user", "school"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "grade", "school_year", "pupils"]
    list_filter = ["grade", "school_year", "school__kind", "school__municipality"]
    search_fields = ["name", "school__name"]
    autocomplete_fields = ["school"]
