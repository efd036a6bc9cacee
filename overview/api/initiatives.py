"""REST API of the initiative catalogue. Thin: anyone (signed in or not) lists and reads, with the
public page's filters; the consultant creates, changes and deletes through the services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.idempotency import idempotent
from core.validators import validate_date_in_range
from overview import selectors, services
from overview.filters import InitiativeFilter
from overview.models import Initiative, TargetGroup
from overview.services.initiatives import can_edit_initiatives


class ConsultantWrites(permissions.BasePermission):
    """Anyone reads; only the consultant (or an administrator) writes."""

    message = _("Only a consultant can change the initiative catalogue.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_authenticated and can_edit_initiatives(request.user)


class InitiativeSerializer(serializers.ModelSerializer):
    geography_display = serializers.CharField(source="get_geography_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    target_groups = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=TargetGroup.objects.all(),
        required=False,
        help_text=_("Target group codes."),
    )
    started_on = serializers.DateField(required=False, allow_null=True, validators=[validate_date_in_range])
    ended_on = serializers.DateField(required=False, allow_null=True, validators=[validate_date_in_range])

    class Meta:
        model = Initiative
        fields = [
            "id",
            "name",
            "owner",
            "geography",
            "geography_display",
            "region",
            "target_groups",
            "kind",
            "kind_display",
            "stem_focus",
            "description",
            "started_on",
            "ended_on",
            "lessons",
            "contact",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Names are unique regardless of case; the service says so with its own refusal.
        extra_kwargs = {"name": {"validators": []}}


class InitiativeViewSet(viewsets.ModelViewSet):
    """STEM initiatives beside the bookable offers, national and regional, running and ended (an
    ended one keeps what it learnt). Public to read, with search and filters; the consultant
    creates, changes and deletes."""

    serializer_class = InitiativeSerializer
    permission_classes = [ConsultantWrites]
    filterset_class = InitiativeFilter

    def get_queryset(self) -> QuerySet[Initiative]:
        return selectors.initiative_list()

    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        initiative = services.initiative_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(initiative).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: InitiativeSerializer) -> None:
        serializer.instance = services.initiative_update(
            actor=self.request.user, initiative=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Initiative) -> None:
        services.initiative_delete(actor=self.request.user, initiative=instance)


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
    router.register("initiatives", InitiativeViewSet, basename="initiative")
