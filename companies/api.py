from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from companies.models import Company, RoleModel
from companies.selectors import company_list


class RoleModelSerializer(serializers.ModelSerializer):
    """A role model as the public sees them: first name and job, never the surname (see
    RoleModel.public_name) nor the e-mail address."""

    first_name = serializers.CharField(source="public_name", read_only=True)

    class Meta:
        model = RoleModel
        fields = ["id", "first_name", "job_title", "education_path", "is_young_ambassador"]


class CompanySerializer(serializers.ModelSerializer):
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    clusters = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    role_models = RoleModelSerializer(many=True, read_only=True)

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "cvr",
            "sector",
            "sector_name",
            "clusters",
            "municipality",
            "municipality_name",
            *Company.ADDRESS_FIELDS,
            "description",
            "website",
            "role_models",
        ]


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    """Ambassador companies: public, so that anyone can see who offers what."""

    serializer_class = CompanySerializer
    permission_classes = [AllowAny]
    filterset_fields = ["sector", "municipality"]

    def get_queryset(self):
        return company_list().prefetch_related("role_models")
