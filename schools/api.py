from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from schools.models import School, SchoolClass
from schools.selectors import class_list_for_user, school_list_for_user, teacher_of


class SchoolSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "name",
            "institution_number",
            "kind",
            "municipality",
            "municipality_name",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
        ]


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["kind", "municipality"]

    def get_queryset(self):
        return school_list_for_user(self.request.user)


CLASS_NAME_TAKEN = _("The school already has a class of that name this school year.")


class SchoolClassSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_year_label = serializers.CharField(read_only=True)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "school_name", "name", "grade", "school_year", "school_year_label", "pupils"]
        read_only_fields = ["school"]

    def validate(self, attrs: dict) -> dict:
        """A class name is unique per school and school year. DRF checks the constraint only for
        writable fields, and the school here comes from the teacher, so it is checked by hand."""
        school_id = self.instance.school_id if self.instance else self._teacher_school_id()
        name = attrs.get("name", getattr(self.instance, "name", None))
        school_year = attrs.get("school_year", getattr(self.instance, "school_year", None))
        taken = SchoolClass.objects.filter(school_id=school_id, school_year=school_year, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError({"name": [CLASS_NAME_TAKEN]})
        return attrs

    def _teacher_school_id(self) -> int | None:
        teacher = teacher_of(self.context["request"].user)
        return teacher.school_id if teacher else None


class IsTeacherOrReadOnly(permissions.BasePermission):
    message = _("Only a teacher can add or change classes.")

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or teacher_of(request.user) is not None


class SchoolClassViewSet(viewsets.ModelViewSet):
    """A teacher's own school's classes. Another school's class answers 404."""

    serializer_class = SchoolClassSerializer
    permission_classes = [permissions.IsAuthenticated, IsTeacherOrReadOnly]
    filterset_fields = ["school", "grade", "school_year"]

    def get_queryset(self):
        return class_list_for_user(self.request.user)

    def perform_create(self, serializer: SchoolClassSerializer) -> None:
        serializer.save(school_id=teacher_of(self.request.user).school_id)
