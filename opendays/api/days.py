"""REST API for open days and their hosts. Thin: the serializers shape input into the services'
arguments; the rules live in opendays.services.days and .hosts, and who may do what in
opendays.permissions. What a user may not see answers 404; a refusal is a 400 with its code."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from companies.models import Company, RoleModel
from companies.selectors import company_ids_of, company_list_editable_by
from core.api import AwareDateTimeField
from core.filters import IdFilter
from core.idempotency import idempotent
from core.models import Municipality
from core.validators import validate_date_in_range
from opendays import selectors
from opendays.models import (
    MAX_AGE,
    MAX_HOST_PLACES,
    MAX_PREFERENCES,
    MAX_RETENTION_DAYS,
    MAX_WEIGHT,
    MIN_AGE,
    Application,
    Host,
    OpenDay,
)
from opendays.permissions import can_act_for_host, can_create_open_days, can_manage_open_day
from opendays.services import days as day_services
from opendays.services import hosts as host_services
from schools.models import Grade

# Permissions -------------------------------------------------------------------------------


class ConsultantWrites(permissions.BasePermission):
    """Anyone signed in reads the days the selectors let them see; consultants create days and the
    day's consultant changes or closes it."""

    message = _("Only the open day's consultant can do this.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or can_create_open_days(request.user)

    def has_object_permission(self, request: Request, view, obj: OpenDay) -> bool:
        return request.method in permissions.SAFE_METHODS or can_manage_open_day(request.user, obj)


class HostSideWrites(permissions.BasePermission):
    """A company's people register it and change the registration; so does the day's consultant."""

    message = _("Only the host company's people or the day's consultant can do this.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.sees_everything or bool(company_ids_of(request.user))

    def has_object_permission(self, request: Request, view, obj: Host) -> bool:
        return request.method in permissions.SAFE_METHODS or can_act_for_host(request.user, obj)


def _validated(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Days --------------------------------------------------------------------------------------


class OpenDaySerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    hosts = serializers.IntegerField(source="hosts.count", read_only=True)

    class Meta:
        model = OpenDay
        fields = [
            "id",
            "title",
            "description",
            "date",
            "municipalities",
            "age_min",
            "age_max",
            "grade_min",
            "grade_max",
            "gender_focus",
            "applications_open",
            "applications_close",
            "preferences",
            "outlying_municipalities",
            "weight_first_time",
            "weight_outlying",
            "offer_hours",
            "survey_closes",
            "retention_days",
            "status",
            "status_display",
            "published_at",
            "hosts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OpenDayChangeSerializer(serializers.Serializer):
    """A day's terms; on a change, those left out keep their value. The bounds are the services'
    (they give the refusal its code); these only keep the input to sane sizes."""

    title = serializers.CharField(max_length=day_services.MAX_TITLE)
    description = serializers.CharField(max_length=day_services.MAX_DESCRIPTION, allow_blank=True, required=False)
    date = serializers.DateField(validators=[validate_date_in_range])
    municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), help_text=_("Municipality codes: the day's area.")
    )
    age_min = serializers.IntegerField(min_value=MIN_AGE, max_value=MAX_AGE, required=False)
    age_max = serializers.IntegerField(min_value=MIN_AGE, max_value=MAX_AGE, required=False)
    grade_min = serializers.ChoiceField(choices=Grade.choices, required=False, allow_null=True)
    grade_max = serializers.ChoiceField(choices=Grade.choices, required=False, allow_null=True)
    gender_focus = serializers.ChoiceField(choices=OpenDay.GenderFocus.choices, required=False, allow_blank=True)
    applications_open = AwareDateTimeField()
    applications_close = AwareDateTimeField(help_text=_("Before the day begins."))
    preferences = serializers.IntegerField(
        min_value=1, max_value=MAX_PREFERENCES, required=False, help_text=_("Hosts each applicant ranks.")
    )
    outlying_municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    weight_first_time = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT, required=False)
    weight_outlying = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT, required=False)
    offer_hours = serializers.IntegerField(min_value=1, max_value=day_services.MAX_OFFER_HOURS, required=False)
    survey_closes = serializers.DateField(required=False, allow_null=True, validators=[validate_date_in_range])
    retention_days = serializers.IntegerField(min_value=0, max_value=MAX_RETENTION_DAYS, required=False)


class OpenDayFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OpenDay.Status.choices)

    class Meta:
        model = OpenDay
        fields = ["status"]


class OpenDayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open days. A consultant sees the days touching their area; a teacher or a company member the
    days whose area holds their school or company, and a company the days it hosts. Consultants
    create days; the day's consultant changes and closes it. A day is closed, not deleted."""

    serializer_class = OpenDaySerializer
    permission_classes = [ConsultantWrites]
    filterset_class = OpenDayFilter

    def get_queryset(self) -> QuerySet[OpenDay]:
        return selectors.open_days_visible_to(self.request.user).order_by("-date", "id")

    @extend_schema(request=OpenDayChangeSerializer, responses={201: OpenDaySerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Create an open day taking hosts and applications, in municipalities of the consultant's area."""
        day = day_services.open_day_create(actor=request.user, **_validated(OpenDayChangeSerializer, request))
        return Response(OpenDaySerializer(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpenDayChangeSerializer, responses=OpenDaySerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the day; what is left out stays. Once matching starts, only the texts, offer hours,
        survey and retention change."""
        day = self.get_object()
        given = _validated(OpenDayChangeSerializer, request, partial=True)
        day = day_services.open_day_update(actor=request.user, open_day=day, **given)
        return Response(OpenDaySerializer(day).data)

    @extend_schema(request=None, responses=OpenDaySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the day: called off while open, or done after publication."""
        day = day_services.open_day_close(actor=request.user, open_day=self.get_object())
        return Response(OpenDaySerializer(day).data)


# Hosts -------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "09:00",
        "description": "Wall-clock time in Copenhagen, without an offset.",
    }
)
class WallClockTimeField(serializers.TimeField):
    """A host's hours are wall-clock times on the day in Copenhagen and carry no offset; the
    schema's "format: time" (RFC 3339) would demand one, so the schema states the real shape."""


class HostSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    starts_at = WallClockTimeField(read_only=True)
    ends_at = WallClockTimeField(read_only=True)

    class Meta:
        model = Host
        fields = [
            "id",
            "open_day",
            "company",
            "company_name",
            "places",
            "starts_at",
            "ends_at",
            "address",
            "postcode",
            "city",
            "programme",
            "role_models",
            "role_models_text",
            "age_min",
            "safety_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HostChangeSerializer(serializers.Serializer):
    """A registration's own values; on a change, those left out keep their value. An empty address
    on registering means the company's own."""

    places = serializers.IntegerField(min_value=1, max_value=MAX_HOST_PLACES)
    starts_at = WallClockTimeField()
    ends_at = WallClockTimeField()
    programme = serializers.CharField(max_length=host_services.MAX_PROGRAMME)
    address = serializers.CharField(max_length=host_services.MAX_ADDRESS, allow_blank=True, required=False)
    postcode = serializers.CharField(max_length=4, allow_blank=True, required=False)
    city = serializers.CharField(max_length=host_services.MAX_CITY, allow_blank=True, required=False)
    role_models = serializers.PrimaryKeyRelatedField(
        many=True, queryset=RoleModel.objects.all(), required=False, help_text=_("The company's own role models.")
    )
    role_models_text = serializers.CharField(max_length=host_services.MAX_NOTES, allow_blank=True, required=False)
    age_min = serializers.IntegerField(min_value=MIN_AGE, max_value=MAX_AGE, required=False, allow_null=True)
    safety_notes = serializers.CharField(max_length=host_services.MAX_NOTES, allow_blank=True, required=False)


class HostRegisterSerializer(HostChangeSerializer):
    open_day = serializers.PrimaryKeyRelatedField(queryset=OpenDay.objects.none())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["open_day"].queryset = selectors.open_days_visible_to(request.user)
            fields["company"].queryset = company_list_editable_by(request.user)
        return fields


class AttendanceSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, help_text=_("A pupil placed with the host."))
    attended = serializers.BooleanField(allow_null=True, help_text=_("true: came; false: did not; null: not marked."))


class AttendanceResultSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    attended = serializers.BooleanField(allow_null=True)


class HostFilter(django_filters.FilterSet):
    open_day = IdFilter(field_name="open_day")
    company = IdFilter(field_name="company")

    class Meta:
        model = Host
        fields = ["open_day", "company"]


@extend_schema_view(partial_update=extend_schema(request=HostChangeSerializer, responses=HostSerializer))
class HostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Companies' registrations as hosts of open days. A company's people see and register their
    company; consultants see those of the days in their area and may register any company. Places
    change until the matching starts; attendance is marked from the day on, once published."""

    serializer_class = HostSerializer
    permission_classes = [HostSideWrites]
    filterset_class = HostFilter

    def get_queryset(self) -> QuerySet[Host]:
        return selectors.hosts_visible_to(self.request.user).prefetch_related("role_models").order_by("open_day", "id")

    @extend_schema(request=HostRegisterSerializer, responses={201: HostSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Register a company as a host of an open day; without an address, the company's own."""
        host = host_services.host_register(actor=request.user, **_validated(HostRegisterSerializer, request))
        return Response(HostSerializer(host).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the registration; what is left out stays."""
        given = _validated(HostChangeSerializer, request, partial=True)
        host = host_services.host_update(actor=request.user, host=self.get_object(), **given)
        return Response(HostSerializer(host).data)

    @extend_schema(request=AttendanceSerializer, responses=AttendanceResultSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """Mark whether a pupil placed with the host came. A pupil not placed here is refused."""
        host = self.get_object()
        given = _validated(AttendanceSerializer, request)
        application = get_object_or_404(
            Application.objects.filter(open_day_id=host.open_day_id), pk=given["application"]
        )
        marked = host_services.attendance_mark(
            actor=request.user, host=host, application=application, attended=given["attended"]
        )
        return Response({"application": marked.pk, "attended": marked.attended})


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
    router.register("open-days", OpenDayViewSet, basename="open-day")
    router.register("open-day-hosts", HostViewSet, basename="open-day-host")
