"""REST API for adoption rounds, companies' capacities and classes' wishes. Thin: the serializers
shape input into the services' arguments; the rules live in adoptions.services.rounds and who may
do what in adoptions.permissions. What a user may not see answers 404."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from adoptions import selectors, services
from adoptions.models import (
    MAX_ACTIVITIES_PER_MONTH,
    MAX_ADOPTED_CLASSES,
    MAX_TRAVEL_KM,
    MAX_WEIGHT,
    MAX_WISHES,
    AdoptionRound,
    ClassWish,
    CompanyCapacity,
    Weekday,
    WishChoice,
)
from adoptions.permissions import can_manage_round, can_open_rounds, can_state_capacity, can_state_wishes
from adoptions.services.rounds import MAX_NOTES, MAX_TITLE
from companies.models import Company
from companies.selectors import company_ids_of, company_list_editable_by
from core.filters import IdFilter
from core.idempotency import idempotent
from core.models import Municipality, Sector
from core.validators import validate_date_in_range
from schools.models import Grade, School, SchoolClass
from schools.selectors import class_list_for_user, teacher_of

# Permissions -------------------------------------------------------------------------------


class ConsultantWrites(permissions.BasePermission):
    """Anyone signed in reads what the selectors let them see; only consultants and
    administrators write (open and change rounds, start runs, set pair rules, accept), and the
    services then decide whether the round is theirs. Shared by the rounds and the runs."""

    message = _("Only the round's consultant can do this.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or can_open_rounds(request.user)

    def has_object_permission(self, request: Request, view, obj: AdoptionRound) -> bool:
        return request.method in permissions.SAFE_METHODS or can_manage_round(request.user, obj)


class CompanySideWrites(permissions.BasePermission):
    """A company's people state its capacity; so does the round's consultant."""

    message = _("Only the company's people or the round's consultant can state its capacity.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.sees_everything or bool(company_ids_of(request.user))

    def has_object_permission(self, request: Request, view, obj: CompanyCapacity) -> bool:
        return request.method in permissions.SAFE_METHODS or can_state_capacity(request.user, obj.round, obj.company)


class SchoolSideWrites(permissions.BasePermission):
    """A school's teachers state its classes' wishes; so does the round's consultant."""

    message = _("Only the school's teachers or the round's consultant can state the class's wishes.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.sees_everything or teacher_of(request.user) is not None

    def has_object_permission(self, request: Request, view, obj: ClassWish) -> bool:
        return request.method in permissions.SAFE_METHODS or can_state_wishes(request.user, obj.round, obj.school_class)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Rounds ------------------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    school_year_label = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    capacities = serializers.IntegerField(source="capacities.count", read_only=True)
    wishes = serializers.IntegerField(source="wishes.count", read_only=True)

    class Meta:
        model = AdoptionRound
        fields = [
            "id",
            "title",
            "school_year",
            "school_year_label",
            "municipalities",
            "status",
            "status_display",
            "wishes_deadline",
            "outlying_municipalities",
            "grey_zone_schools",
            "weight_outlying",
            "weight_never_adopted",
            "weight_grey_zone",
            "capacities",
            "wishes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RoundOpenSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=MAX_TITLE)
    school_year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text=_("The school year the adoptions run: 2027 means 2027/28.")
    )
    municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), help_text=_("Municipality codes: the round's area.")
    )
    wishes_deadline = serializers.DateField(required=False, allow_null=True, validators=[validate_date_in_range])


class RoundUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=MAX_TITLE, required=False)
    wishes_deadline = serializers.DateField(required=False, allow_null=True, validators=[validate_date_in_range])
    status = serializers.ChoiceField(
        choices=AdoptionRound.Status.choices,
        required=False,
        help_text=_("collecting ⇄ matching → closed; a round becomes accepted by accepting a matching run."),
    )


class RoundPrioritiesSerializer(serializers.Serializer):
    """Fields left out keep the round's current value."""

    outlying_municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    grey_zone_schools = serializers.PrimaryKeyRelatedField(many=True, queryset=School.objects.all(), required=False)
    weight_outlying = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT, required=False)
    weight_never_adopted = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT, required=False)
    weight_grey_zone = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT, required=False)


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Adoption rounds. A consultant sees the rounds touching their area, a teacher or a company
    member those whose area holds their school or company. Consultants open rounds; the round's
    consultant changes its title, deadline, status and priorities. A round is closed, not deleted."""

    serializer_class = RoundSerializer
    permission_classes = [ConsultantWrites]

    def get_queryset(self) -> QuerySet[AdoptionRound]:
        return selectors.rounds_visible_to(self.request.user).order_by("-school_year", "title", "id")

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Open a round collecting capacity and wishes, in municipalities of the consultant's area."""
        round = services.round_open(actor=request.user, **_validated(RoundOpenSerializer, request))
        return Response(RoundSerializer(round).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the title, the deadline or the status; what is left out stays."""
        round = services.round_update(
            round=self.get_object(), actor=request.user, **_validated(RoundUpdateSerializer, request)
        )
        return Response(RoundSerializer(round).data)

    @extend_schema(request=RoundPrioritiesSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def priorities(self, request: Request, pk: str | None = None) -> Response:
        """Set the priorities (outlying municipalities, grey-zone schools) and their weights in km."""
        round = self.get_object()
        given = _validated(RoundPrioritiesSerializer, request)
        current = {
            "outlying_municipalities": list(round.outlying_municipalities.all()),
            "grey_zone_schools": list(round.grey_zone_schools.all()),
            "weight_outlying": round.weight_outlying,
            "weight_never_adopted": round.weight_never_adopted,
            "weight_grey_zone": round.weight_grey_zone,
        }
        round = services.round_set_priorities(round=round, actor=request.user, **(current | given))
        return Response(RoundSerializer(round).data)


# Capacities --------------------------------------------------------------------------------


class CapacitySerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = CompanyCapacity
        fields = [
            "id",
            "round",
            "company",
            "company_name",
            "classes",
            "grade_min",
            "grade_max",
            "max_travel_km",
            "weekdays",
            "activities_per_month",
            "notes",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CapacityChangeSerializer(serializers.Serializer):
    """A capacity's own values; on a change, those left out keep their value."""

    classes = serializers.IntegerField(min_value=1, max_value=MAX_ADOPTED_CLASSES)
    grade_min = serializers.ChoiceField(choices=Grade.choices, default=Grade.G8)
    grade_max = serializers.ChoiceField(choices=Grade.choices, default=Grade.G9)
    max_travel_km = serializers.IntegerField(
        min_value=1, max_value=MAX_TRAVEL_KM, default=40, help_text=_("How far from the company's address.")
    )
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=Weekday.choices),
        max_length=len(Weekday.choices),
        default=list,
        help_text=_("0 Monday to 4 Friday; empty: any school day."),
    )
    activities_per_month = serializers.IntegerField(min_value=1, max_value=MAX_ACTIVITIES_PER_MONTH, default=4)
    notes = serializers.CharField(max_length=MAX_NOTES, allow_blank=True, default="")


class CapacitySetSerializer(CapacityChangeSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AdoptionRound.objects.none())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = selectors.rounds_visible_to(request.user)
            fields["company"].queryset = company_list_editable_by(request.user)
        return fields


class CapacityFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round")
    company = IdFilter(field_name="company")

    class Meta:
        model = CompanyCapacity
        fields = ["round", "company"]


def _capacity_values(capacity: CompanyCapacity) -> dict[str, Any]:
    return {name: getattr(capacity, name) for name in CapacityChangeSerializer().fields}


@extend_schema_view(
    partial_update=extend_schema(request=CapacityChangeSerializer, responses=CapacitySerializer),
    destroy=extend_schema(responses={204: None}),
)
class CapacityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Companies' capacity in adoption rounds. A company's people see and state their company's;
    consultants those of companies in their area. Stating it again changes it; deleting
    withdraws it. Only while the round collects (after its deadline, only the consultant)."""

    serializer_class = CapacitySerializer
    permission_classes = [CompanySideWrites]
    filterset_class = CapacityFilter

    def get_queryset(self) -> QuerySet[CompanyCapacity]:
        return selectors.capacities_visible_to(self.request.user).order_by("round", "company__name", "id")

    @extend_schema(request=CapacitySetSerializer, responses={200: CapacitySerializer, 201: CapacitySerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """State the company's capacity in a round: 201 when new, 200 when it changes what was stated."""
        data = _validated(CapacitySetSerializer, request)
        existed = CompanyCapacity.objects.filter(round=data["round"], company=data["company"]).exists()
        capacity = services.capacity_set(actor=request.user, **data)
        return Response(
            CapacitySerializer(capacity).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the capacity; what is left out stays."""
        capacity = self.get_object()
        serializer = CapacityChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = _capacity_values(capacity) | dict(serializer.validated_data)
        capacity = services.capacity_set(actor=request.user, round=capacity.round, company=capacity.company, **values)
        return Response(CapacitySerializer(capacity).data)

    def perform_destroy(self, instance: CompanyCapacity) -> None:
        services.capacity_withdraw(actor=self.request.user, capacity=instance)


# Wishes ------------------------------------------------------------------------------------


class WishChoiceSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True, allow_null=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True, allow_null=True)

    class Meta:
        model = WishChoice
        fields = ["rank", "company", "company_name", "sector", "sector_name"]
        read_only_fields = fields


class WishSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    school = serializers.IntegerField(source="school_class.school_id", read_only=True)
    school_name = serializers.CharField(source="school_class.school.name", read_only=True)
    choices = WishChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = ClassWish
        fields = [
            "id",
            "round",
            "school_class",
            "class_name",
            "school",
            "school_name",
            "choices",
            "max_travel_km",
            "notes",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChoiceInputSerializer(serializers.Serializer):
    """One choice: a company (by id) or a sector (by code)."""

    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )

    def validate(self, data: dict[str, Any]) -> Company | Sector:
        company, sector = data.get("company"), data.get("sector")
        if (company is None) == (sector is None):
            raise serializers.ValidationError(_("Give a company or a sector, not both."))
        return company or sector


class WishChangeSerializer(serializers.Serializer):
    """A class's wishes; on a change, those left out keep their value."""

    choices = serializers.ListField(
        child=ChoiceInputSerializer(),
        min_length=1,
        max_length=MAX_WISHES,
        help_text=_("In order of preference: the first is the class's first wish."),
    )
    max_travel_km = serializers.IntegerField(min_value=1, max_value=MAX_TRAVEL_KM, default=40)
    notes = serializers.CharField(max_length=MAX_NOTES, allow_blank=True, default="")


class WishSetSerializer(WishChangeSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AdoptionRound.objects.none())
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.none())

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = selectors.rounds_visible_to(request.user)
            fields["school_class"].queryset = class_list_for_user(request.user)
        return fields


class WishFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round")
    school_class = IdFilter(field_name="school_class")

    class Meta:
        model = ClassWish
        fields = ["round", "school_class"]


@extend_schema_view(
    partial_update=extend_schema(request=WishChangeSerializer, responses=WishSerializer),
    destroy=extend_schema(responses={204: None}),
)
class WishViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Classes' wishes in adoption rounds. A school's teachers see and state its 8th-grade
    classes' wishes; consultants those of classes in their area. Stating them again changes them;
    deleting withdraws them. Only while the round collects (after its deadline, only the consultant)."""

    serializer_class = WishSerializer
    permission_classes = [SchoolSideWrites]
    filterset_class = WishFilter

    def get_queryset(self) -> QuerySet[ClassWish]:
        return selectors.wishes_visible_to(self.request.user).order_by("round", "school_class__name", "id")

    @extend_schema(request=WishSetSerializer, responses={200: WishSerializer, 201: WishSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """State a class's wishes in a round: 201 when new, 200 when it changes what was stated."""
        data = _validated(WishSetSerializer, request)
        existed = ClassWish.objects.filter(round=data["round"], school_class=data["school_class"]).exists()
        wish = services.wish_set(actor=request.user, **data)
        return Response(WishSerializer(wish).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the wishes; what is left out stays."""
        wish = self.get_object()
        serializer = WishChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        current = {
            "choices": [choice.company or choice.sector for choice in wish.choices.all()],
            "max_travel_km": wish.max_travel_km,
            "notes": wish.notes,
        }
        values = current | dict(serializer.validated_data)
        wish = services.wish_set(actor=request.user, round=wish.round, school_class=wish.school_class, **values)
        return Response(WishSerializer(wish).data)

    def perform_destroy(self, instance: ClassWish) -> None:
        services.wish_withdraw(actor=self.request.user, wish=instance)


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
    router.register("adoption-rounds", RoundViewSet, basename="adoption-round")
    router.register("adoption-capacities", CapacityViewSet, basename="adoption-capacity")
    router.register("adoption-wishes", WishViewSet, basename="adoption-wish")
