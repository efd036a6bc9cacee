"""Matching runs and the consultant's pair rules under /api/v1/: start a run for a round,
follow its progress, read the result (every pair with why, the unplaced with reasons, the
report beside the greedy baseline), lock or forbid a pair with a reason, remove a rule,
accept. Consultants only, within their area: anyone else reads nothing (404) and may not
write (403). Thin: validate, then call adoptions.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from adoptions import selectors, services
from adoptions.api.rounds import ConsultantWrites
from adoptions.models import AdoptionRound, MatchRun, PairRule, ProposedPair
from adoptions.services.runs import MAX_REASON_LENGTH, MAX_SEED, pair_priorities, pair_reasons, stage_label
from companies.models import Company
from core.errors import DomainError
from core.idempotency import idempotent
from core.validators import MAX_ID
from schools.models import SchoolClass

# Runs ----------------------------------------------------------------------------------------


class MatchRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    stage_label = serializers.SerializerMethodField()

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "round",
            "status",
            "status_display",
            "progress",
            "stage",
            "stage_label",
            "seed",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "solver_seconds",
            "total_seconds",
            "error",
        ]
        read_only_fields = fields

    def get_stage_label(self, run: MatchRun) -> str:
        return stage_label(run)


class MatchRunStartSerializer(serializers.Serializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AdoptionRound.objects.none())
    seed = serializers.IntegerField(min_value=0, max_value=MAX_SEED, required=False, allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = selectors.rounds_visible_to(request.user)
        return fields


class ProposedPairSerializer(serializers.ModelSerializer):
    """One class's outcome and why."""

    class_name = serializers.CharField(source="school_class.name", read_only=True)
    school = serializers.IntegerField(source="school_class.school_id", read_only=True)
    school_name = serializers.CharField(source="school_class.school.name", read_only=True)
    municipality = serializers.IntegerField(source="school_class.school.municipality_id", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True, allow_null=True, default=None)
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    priorities = serializers.ListField(child=serializers.CharField(), read_only=True)
    priority_labels = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = ProposedPair
        fields = [
            "school_class",
            "class_name",
            "school",
            "school_name",
            "municipality",
            "company",
            "company_name",
            "basis",
            "basis_display",
            "wish_rank",
            "distance_km",
            "priority_bonus",
            "priorities",
            "priority_labels",
            "reason",
            "reasons",
        ]
        read_only_fields = fields

    def get_priority_labels(self, pair: ProposedPair) -> list[str]:
        return pair_priorities(pair)

    def get_reasons(self, pair: ProposedPair) -> list[str]:
        """Why an unplaced class was left out, in the request's language."""
        return pair_reasons(pair)


class MatchRunResultSerializer(serializers.Serializer):
    run = MatchRunSerializer()
    report = serializers.DictField(
        help_text="Figures of the optimum ('optimal') and of the greedy baseline ('greedy')."
    )
    pairs = ProposedPairSerializer(many=True)
    unplaced = ProposedPairSerializer(many=True)


class MatchRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Matching runs of adoption rounds in the consultant's area. Creating one queues it; its
    progress (status, progress, stage) changes as it runs."""

    serializer_class = MatchRunSerializer
    permission_classes = [ConsultantWrites]
    filterset_fields = ["round", "status"]

    def get_queryset(self) -> QuerySet[MatchRun]:
        return selectors.runs_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=MatchRunStartSerializer, responses={201: MatchRunSerializer})
    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = MatchRunStartSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        run = services.run_start(
            actor=request.user, round=payload.validated_data["round"], seed=payload.validated_data["seed"]
        )
        return Response(MatchRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MatchRunResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: str | None = None) -> Response:
        """The proposal: every adopted class with its company and why, the unplaced with the
        reasons, and the report (empty until the run is done)."""
        run = self.get_object()
        pairs = list(
            run.pairs.select_related("school_class__school", "company").order_by(
                "school_class__school__name", "school_class__name", "id"
            )
        )
        body = {
            "run": run,
            "report": run.report or {},
            "pairs": [pair for pair in pairs if pair.company_id is not None],
            "unplaced": [pair for pair in pairs if pair.company_id is None],
        }
        return Response(MatchRunResultSerializer(body).data)

    @extend_schema(request=None, responses=MatchRunSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the proposal: the adoptions are made and teachers and companies told."""
        run = self.get_object()
        services.run_accept(actor=request.user, run=run)
        run.refresh_from_db()
        return Response(MatchRunSerializer(run).data)


# Pair rules ----------------------------------------------------------------------------------


class PairRuleSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PairRule
        fields = [
            "id",
            "round",
            "school_class",
            "class_name",
            "company",
            "company_name",
            "kind",
            "kind_display",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class PairRuleCreateSerializer(serializers.Serializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AdoptionRound.objects.none())
    school_class = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    company = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=PairRule.Kind.choices)
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, help_text="Shown to the school and the company.")

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = selectors.rounds_visible_to(request.user)
        return fields


class PairRuleViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The consultant's locks and forbidden pairs, each with the reason the school and the
    company see. A lock is refused if it would overfill the company."""

    serializer_class = PairRuleSerializer
    permission_classes = [ConsultantWrites]
    filterset_fields = ["round", "kind"]

    def get_queryset(self) -> QuerySet[PairRule]:
        return selectors.pair_rules_visible_to(self.request.user).order_by("created_at", "id")

    @extend_schema(request=PairRuleCreateSerializer, responses={201: PairRuleSerializer})
    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = PairRuleCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        school_class = SchoolClass.objects.filter(pk=data["school_class"]).first()
        company = Company.objects.filter(pk=data["company"]).first()
        if school_class is None:
            raise DomainError(_("No such class."), code="class_not_in_round", field="school_class")
        if company is None:
            raise DomainError(_("No such company."), code="company_not_in_round", field="company")
        create = services.pair_lock if data["kind"] == PairRule.Kind.LOCK else services.pair_forbid
        rule = create(
            actor=request.user, round=data["round"], school_class=school_class, company=company, reason=data["reason"]
        )
        return Response(PairRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: PairRule) -> None:
        services.pair_rule_remove(actor=self.request.user, rule=instance)


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
    router.register("match-runs", MatchRunViewSet, basename="match-run")
    router.register("pair-rules", PairRuleViewSet, basename="pair-rule")
