from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from core.idempotency import IdempotentCreateMixin
from schools.models import School, SchoolClass
from schools.selectors import class_list_for_user, school_list_for_user, teacher_of
from schools.services import school_class_create, school_class_delete, school_class_update


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
            *School.ADDRESS_FIELDS,
        ]


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["kind", "municipality"]

    def get_queryset(self):
        return school_list_for_user(self.request.user)


class SchoolClassSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_year_label = serializers.CharField(read_only=True)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "school_name", "name", "grade", "school_year", "school_year_label", "pupils"]
        read_only_fields = ["school"]


class IsTeacherOrReadOnly(permissions.BasePermission):
    message = _("Only a teacher can add or change classes.")

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or teacher_of(request.user) is not None


class SchoolClassViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """A teacher's own school's classes. Another school's class answers 404."""

    serializer_class = SchoolClassSerializer
    permission_classes = [permissions.IsAuthenticated, IsTeacherOrReadOnly]
    filterset_fields = ["school", "grade", "school_year"]

    def get_queryset(self):
        return class_list_for_user(self.request.user)

    def perform_create(self, serializer: SchoolClassSerializer) -> None:
        serializer.instance = school_class_create(
            actor=self.request.user, school=teacher_of(self.request.user).school, **serializer.validated_data
        )

    def perform_update(self, serializer: SchoolClassSerializer) -> None:
        serializer.instance = school_class_update(
            actor=self.request.user, school_class=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: SchoolClass) -> None:
        school_class_delete(actor=self.request.user, school_class=instance)
