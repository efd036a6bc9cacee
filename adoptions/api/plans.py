"""Adoptions, their annual plans and the plans' activities under /api/v1/. Reads are scoped
like the pages (a teacher: their school's; a company member: their company's; a consultant:
their area; "not yours" is 404); every write goes through adoptions.services, which decides
who may do it (403 with code not_allowed) and every rule (400 with a stable code)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from adoptions import services
from adoptions.models import MAX_TARGET_ACTIVITIES, Adoption, AnnualPlan, PlanActivity, PlanChange
from adoptions.permissions import COMPANY, SCHOOL
from adoptions.selectors import activities_visible_to, adoptions_visible_to, plans_visible_to
from core.api import AwareDateTimeField
from core.idempotency import IdempotentCreateMixin, idempotent
from core.models import LearningGoal
from core.validators import MAX_ID

MAX_GOALS = 50


class AdoptionSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_class.school_id", read_only=True)
    school_name = serializers.CharField(source="school_class.school.name", read_only=True)
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    grade = serializers.IntegerField(source="school_class.grade", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    plan = serializers.IntegerField(source="plan.pk", read_only=True)

    class Meta:
        model = Adoption
        fields = [
            "id",
            "school_class",
            "class_name",
            "grade",
            "school",
            "school_name",
            "company",
            "company_name",
            "school_year",
            "round",
            "status",
            "renewal_of",
            "school_wants_renewal",
            "company_wants_renewal",
            "ended_at",
            "plan",
        ]
        read_only_fields = fields


class RenewalSerializer(serializers.Serializer):
    wants = serializers.BooleanField()
    side = serializers.ChoiceField(
        choices=[SCHOOL, COMPANY], required=False, allow_null=True, default=None, help_text="For a consultant."
    )


class AdoptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Adopted classes: running and ended (history), with the renewal answers of both sides."""

    serializer_class = AdoptionSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "school_year", "company"]

    def get_queryset(self) -> QuerySet[Adoption]:
        return adoptions_visible_to(self.request.user).order_by("-school_year", "id")

    @extend_schema(request=RenewalSerializer, responses=AdoptionSerializer)
    @action(detail=True, methods=["post"])
    def renewal(self, request: Request, pk: str | None = None) -> Response:
        """Answer whether the adoption should continue into 9th grade (a consultant names the side)."""
        adoption = self.get_object()
        payload = RenewalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        adoption = services.renewal_answer(actor=request.user, adoption=adoption, **payload.validated_data)
        return Response(AdoptionSerializer(adoption).data)


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    planned = serializers.IntegerField()
    ideas = serializers.IntegerField()
    target = serializers.IntegerField()


class PlanSerializer(serializers.ModelSerializer):
    target_activities = serializers.IntegerField(min_value=1, max_value=MAX_TARGET_ACTIVITIES)
    goals_note = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AnnualPlan
        fields = ["id", "adoption", "target_activities", "goals_note", "progress", "updated_at"]
        read_only_fields = ["id", "adoption", "progress", "updated_at"]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, plan: AnnualPlan) -> dict:
        return ProgressSerializer(services.plan_progress(plan, list(plan.activities.all()))).data


class PlanChangeSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    summary = serializers.CharField(source="description", read_only=True, help_text=_("In the request's language."))

    class Meta:
        model = PlanChange
        fields = ["id", "at", "actor", "actor_name", "activity", "summary", "fields"]
        read_only_fields = fields

    def get_actor_name(self, change: PlanChange) -> str:
        return str(change.actor) if change.actor_id else ""


class PlanViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annual plans: one per adoption. Teacher, host and consultant set its target and notes."""

    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[AnnualPlan]:
        # Each plan's progress reads its activities and their bookings: fetched for the page at once.
        activities = Prefetch("activities", queryset=PlanActivity.objects.select_related("booking"))
        return plans_visible_to(self.request.user).prefetch_related(activities).order_by("id")

    def perform_update(self, serializer: PlanSerializer) -> None:
        plan = serializer.instance
        data = serializer.validated_data
        services.plan_update(
            actor=self.request.user,
            plan=plan,
            target_activities=data.get("target_activities", plan.target_activities),
            goals_note=data.get("goals_note", plan.goals_note),
        )

    @extend_schema(responses=PlanChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change of the plan, newest first: who, when, which fields."""
        plan = self.get_object()
        changes = self.paginate_queryset(plan.changes.select_related("actor").order_by("-at", "-id"))
        return self.get_paginated_response(PlanChangeSerializer(changes, many=True).data)


class LearningGoalIdsField(serializers.ListField):
    """The ids of an activity's learning goals (core.LearningGoal)."""

    def get_attribute(self, activity: PlanActivity) -> list[int]:
        return sorted(goal.pk for goal in activity.learning_goals.all())


class ActivitySerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(min_value=1, max_value=MAX_ID, source="plan_id")
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PlanActivity.Kind.choices)
    planned_month = serializers.DateField(required=False, allow_null=True, default=None)
    starts_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    ends_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    learning_goals = LearningGoalIdsField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_GOALS,
        required=False,
        default=list,
    )
    preparation = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    description = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    follow_up = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    # Every status, since an answer shows booked and done activities too (the schema describes
    # requests and answers with this one field); creation is limited in validate_status.
    status = serializers.ChoiceField(
        choices=PlanActivity.Status.choices,
        required=False,
        default=PlanActivity.Status.IDEA,
        help_text="On creation: idea or planned. Afterwards through the status action.",
    )
    booking = serializers.IntegerField(source="booking_id", read_only=True, allow_null=True)
    capacity_warning = serializers.SerializerMethodField()

    class Meta:
        model = PlanActivity
        fields = [
            "id",
            "plan",
            "title",
            "kind",
            "planned_month",
            "starts_at",
            "ends_at",
            "learning_goals",
            "preparation",
            "description",
            "follow_up",
            "status",
            "booking",
            "capacity_warning",
            "updated_at",
        ]
        read_only_fields = ["id", "booking", "capacity_warning", "updated_at"]

    def to_representation(self, activity: PlanActivity) -> dict:
        """Status and time as they stand: a booked activity follows its booking, whose slot the
        host may have moved or cancelled since (as the plan pages show it)."""
        data = super().to_representation(activity)
        data["status"] = services.current_status(activity)
        starts_at, ends_at = services.current_times(activity)
        data["starts_at"] = self.fields["starts_at"].to_representation(starts_at) if starts_at else None
        data["ends_at"] = self.fields["ends_at"].to_representation(ends_at) if ends_at else None
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_capacity_warning(self, activity: PlanActivity) -> str | None:
        """Set when the company's month is over the activities a month it can host. A list
        reads the warnings of its page at once (ActivityViewSet.list)."""
        warnings = self.context.get("month_warnings")
        if warnings is not None:
            return warnings.get(activity.pk)
        return services.activity_month_warning(activity)

    def validate_status(self, status: str) -> str:
        """Booked is reached by booking the activity, done through the status action."""
        if status not in (PlanActivity.Status.IDEA, PlanActivity.Status.PLANNED):
            raise serializers.ValidationError("On creation: idea or planned. Afterwards through the status action.")
        return status

    def validate_learning_goals(self, ids: list[int]) -> list[LearningGoal]:
        goals = list(LearningGoal.objects.filter(pk__in=set(ids)))
        if len(goals) != len(set(ids)):
            raise serializers.ValidationError("Unknown learning goal.")
        return goals


class ActivityUpdateSerializer(ActivitySerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    status = serializers.CharField(read_only=True)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlanActivity.Status.choices)


class BookSerializer(serializers.Serializer):
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    place = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    message = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class BookingRefSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    activity = ActivitySerializer()


class ActivityViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """The activities of the plans: created, changed and deleted by teacher, host or
    consultant; their status moved on (idea → planned → done); a dated one booked."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["plan", "status", "kind"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ActivityUpdateSerializer if self.action in ("update", "partial_update") else ActivitySerializer

    def get_queryset(self) -> QuerySet[PlanActivity]:
        return (
            activities_visible_to(self.request.user)
            .select_related("plan__adoption__company", "plan__adoption__school_class")
            .prefetch_related("learning_goals")
            .order_by("plan", "planned_month", "starts_at", "id")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page's capacity warnings are read together, so a page costs the same
        statements whatever its size."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        activities = list(queryset if page is None else page)
        context = {**self.get_serializer_context(), "month_warnings": services.activity_month_warnings(activities)}
        data = self.get_serializer_class()(activities, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def _plan(self, plan_id: int) -> AnnualPlan:
        plan = plans_visible_to(self.request.user).filter(pk=plan_id).first()
        if plan is None:
            raise serializers.ValidationError({"plan": ["No such plan."]})
        return plan

    def perform_create(self, serializer: ActivitySerializer) -> None:
        data = dict(serializer.validated_data)
        plan = self._plan(data.pop("plan_id"))
        serializer.instance = services.activity_create(actor=self.request.user, plan=plan, **data)

    def perform_update(self, serializer: ActivityUpdateSerializer) -> None:
        given = {name: serializer.validated_data[name] for name in serializer.validated_data}
        if self.action == "partial_update":
            given = {name: value for name, value in given.items() if name in serializer.initial_data}
        serializer.instance = services.activity_update(actor=self.request.user, activity=serializer.instance, **given)

    def perform_destroy(self, activity: PlanActivity) -> None:
        services.activity_delete(actor=self.request.user, activity=activity)

    @extend_schema(request=StatusSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """Move the activity to idea, planned or done (booked is reached by booking it)."""
        activity = self.get_object()
        payload = StatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        activity = services.activity_set_status(actor=request.user, activity=activity, **payload.validated_data)
        return Response(ActivitySerializer(activity).data)

    @extend_schema(request=BookSerializer, responses={201: BookingRefSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def book(self, request: Request, pk: str | None = None) -> Response:
        """Book the activity for the class with the company at the agreed time, on a place only
        this class can take; the booking's invites and reminders go out as for any booking."""
        activity = self.get_object()
        payload = BookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = services.activity_book(actor=request.user, activity=activity, **payload.validated_data)
        body = {"booking": booking.pk, "activity": ActivitySerializer(activity).data}
        return Response(body, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
    router.register("adoptions", AdoptionViewSet, basename="adoption")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("activities", ActivityViewSet, basename="activity")
