"""Open-day matching runs and their placements under /api/v1/: start a run for a day, follow its
progress, read the report beside the greedy baseline, list placements (paged), move or remove
one with a reason, publish. Consultants within their area only: anyone else reads nothing (404)
and may not write (403). Thin: validate, then call opendays.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.idempotency import idempotent
from opendays import selectors, services
from opendays.models import Host, MatchRun, OpenDay, Placement
from opendays.permissions import can_create_open_days
from opendays.services.runs import MAX_REASON_LENGTH, MAX_SEED, placement_priorities, placement_reason, stage_label


class ConsultantOnly(permissions.BasePermission):
    """Reads are scoped by the selectors; writes need a consultant, and the services then
    decide whether the day is theirs."""

    message = _("Only the open day's consultant can do this.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or can_create_open_days(request.user)


class OpenDayRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    stage_label = serializers.SerializerMethodField()

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "open_day",
            "status",
            "status_display",
            "progress",
            "stage",
            "stage_label",
            "seed",
            "created_at",
            "started_at",
            "finished_at",
            "solver_seconds",
            "total_seconds",
            "report",
            "error",
        ]
        read_only_fields = fields

    def get_stage_label(self, run: MatchRun) -> str:
        return stage_label(run)


class OpenDayRunStartSerializer(serializers.Serializer):
    open_day = serializers.PrimaryKeyRelatedField(queryset=OpenDay.objects.none())
    seed = serializers.IntegerField(min_value=0, max_value=MAX_SEED, required=False, allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["open_day"].queryset = selectors.open_days_visible_to(request.user)
        return fields


class OpenDayRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Matching runs of open days in the consultant's area. Creating one queues it (refused
    before applications close); its progress changes as it runs."""

    serializer_class = OpenDayRunSerializer
    permission_classes = [ConsultantOnly]
    filterset_fields = ["open_day", "status"]

    def get_queryset(self) -> QuerySet[MatchRun]:
        return selectors.runs_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=OpenDayRunStartSerializer, responses={201: OpenDayRunSerializer})
    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = OpenDayRunStartSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        run = services.run_start(
            actor=request.user, open_day=payload.validated_data["open_day"], seed=payload.validated_data["seed"]
        )
        return Response(OpenDayRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OpenDayRunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the run: outcomes written, applicants, guardians, teachers and hosts told."""
        run = self.get_object()
        services.run_publish(actor=request.user, run=run)
        run.refresh_from_db()
        return Response(OpenDayRunSerializer(run).data)


class PlacementSerializer(serializers.ModelSerializer):
    """One applicant's outcome in a run and why (the consultant sees first names)."""

    first_name = serializers.CharField(source="application.first_name", read_only=True)
    age = serializers.IntegerField(source="application.age", read_only=True)
    municipality = serializers.IntegerField(source="application.municipality_id", read_only=True)
    host_name = serializers.CharField(source="host.company.name", read_only=True, allow_null=True, default=None)
    priority_labels = serializers.SerializerMethodField()
    reason_label = serializers.SerializerMethodField()
    priorities = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "run",
            "application",
            "first_name",
            "age",
            "municipality",
            "host",
            "host_name",
            "preference_rank",
            "priority_bonus",
            "priorities",
            "priority_labels",
            "waitlist_order",
            "reason",
            "reason_label",
            "adjust_reason",
        ]
        read_only_fields = fields

    def get_priority_labels(self, placement: Placement) -> list[str]:
        return placement_priorities(placement)

    def get_reason_label(self, placement: Placement) -> str:
        return placement_reason(placement)


class PlacementMoveSerializer(serializers.Serializer):
    host = serializers.PrimaryKeyRelatedField(queryset=Host.objects.all())
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH)


class PlacementRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH)


class PlacementViewSet(viewsets.ReadOnlyModelViewSet):
    """Placements of runs in the consultant's area, filtered by run, paged."""

    serializer_class = PlacementSerializer
    permission_classes = [ConsultantOnly]
    filterset_fields = ["run", "host"]

    def get_queryset(self) -> QuerySet[Placement]:
        return selectors.placements_visible_to(self.request.user).order_by("run", "application_id")

    @extend_schema(request=PlacementMoveSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Place the applicant with another host (of the same day, with a free place), with a reason."""
        placement = self.get_object()
        payload = PlacementMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        placement = services.placement_move(actor=request.user, placement=placement, **payload.validated_data)
        return Response(PlacementSerializer(placement).data)

    @extend_schema(request=PlacementRemoveSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Take the applicant out of her place, with a reason; she goes last on the waiting list."""
        placement = self.get_object()
        payload = PlacementRemoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        placement = services.placement_remove(actor=request.user, placement=placement, **payload.validated_data)
        return Response(PlacementSerializer(placement).data)


def register(router: BaseRouter) -> None:
    """Add this part's viewsets to the router."""
    router.register("open-day-runs", OpenDayRunViewSet, basename="openday-run")
    router.register("open-day-placements", PlacementViewSet, basename="openday-placement")
