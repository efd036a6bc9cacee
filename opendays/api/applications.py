"""REST API for open-day applications: the teacher's (apply for several pupils at once, see and
withdraw those she applied for) and the consultant's (see the applications of the days in their
area, withdraw or erase one on request). Thin: the rules are in opendays.services.applications.
Pupils apply through the public pages, not here. What a user may not see answers 404."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api import NOT_ALLOWED_CODE
from core.errors import DomainError
from core.filters import IdFilter
from core.idempotency import idempotent
from opendays import selectors, services
from opendays.models import MAX_AGE, MAX_FIRST_NAME, MAX_PREFERENCES, MIN_AGE, Application, OpenDay
from opendays.permissions import can_apply_for_pupils, can_manage_open_day
from opendays.services.applications import MAX_PUPILS_AT_ONCE, NOT_A_TEACHER
from schools.models import Grade

# What a host does not read of its participants (null for a host): its page shows first name, age
# and school, and the API no more.
NOT_FOR_HOSTS = ("grade", "municipality", "first_time", "preference_rank", "confirmed_at", "created_at")


class ApplicationSerializer(serializers.ModelSerializer):
    """No e-mail addresses: the least that works. The preferences and the fields in
    NOT_FOR_HOSTS only to the teacher who applied and the day's consultant, not to a host."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    preferences = serializers.SerializerMethodField()
    municipality = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    first_time = serializers.BooleanField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "open_day",
            "first_name",
            "age",
            "grade",
            "school",
            "municipality",
            "first_time",
            "status",
            "status_display",
            "confirmed_at",
            "outcome",
            "outcome_display",
            "host",
            "preference_rank",
            "waitlist_position",
            "preferences",
            "created_at",
        ]
        read_only_fields = fields

    def _for_host(self, application: Application) -> bool:
        user = self.context["request"].user
        return not (user.sees_everything or application.applied_by_id == user.pk)

    def get_preferences(self, application: Application) -> list[int]:
        if self._for_host(application):
            return []
        return [preference.host_id for preference in application.preferences.all()]

    def to_representation(self, application: Application) -> dict:
        data = super().to_representation(application)
        if self._for_host(application):
            data.update(dict.fromkeys(NOT_FOR_HOSTS))
        return data


class PupilSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=MAX_FIRST_NAME)
    age = serializers.IntegerField(min_value=MIN_AGE, max_value=MAX_AGE)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_null=True)
    guardian_email = serializers.EmailField(required=False, allow_blank=True, help_text=_("Needed under 15."))
    first_time = serializers.BooleanField(required=False, default=True)
    preferences = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=MAX_PREFERENCES,
        help_text=_("Host ids, first choice first."),
    )


@extend_schema_field(OpenApiTypes.INT)
class VisibleOpenDayField(serializers.PrimaryKeyRelatedField):
    """An open day the user may see; any other id is "does not exist"."""

    def get_queryset(self) -> QuerySet[OpenDay]:
        return selectors.open_days_visible_to(self.context["request"].user)


class ForPupilsSerializer(serializers.Serializer):
    open_day = VisibleOpenDayField()
    pupils = PupilSerializer(many=True, max_length=MAX_PUPILS_AT_ONCE)


class ApplicationFilter(django_filters.FilterSet):
    open_day = IdFilter(field_name="open_day")
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)

    class Meta:
        model = Application
        fields = ["open_day", "status"]


class ActsOnApplication(permissions.BasePermission):
    """Reading is what the selector allows; withdrawing and erasing are for the teacher who
    applied and the day's consultant (a host sees its participants but acts for none of them)."""

    message = _("Only the teacher who applied or the open day's consultant can do this.")

    def has_permission(self, request: Request, view) -> bool:
        return request.user.is_authenticated

    def has_object_permission(self, request: Request, view, obj: Application) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.applied_by_id == request.user.pk or can_manage_open_day(request.user, obj.open_day)


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open-day applications: a teacher's own, a consultant's area, a host's participants after
    publication (first names only in effect: no e-mail, no preferences)."""

    serializer_class = ApplicationSerializer
    permission_classes = [ActsOnApplication]
    filterset_class = ApplicationFilter

    def get_queryset(self) -> QuerySet[Application]:
        return (
            selectors.applications_visible_to(self.request.user)
            .filter(erased_at__isnull=True)
            .prefetch_related("preferences")
            .order_by("open_day_id", "id")
        )

    @extend_schema(request=ForPupilsSerializer, responses={201: ApplicationSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="for-pupils")
    @idempotent
    def for_pupils(self, request: Request) -> Response:
        """A teacher applies for several pupils of a class: all of them, or none (400 naming the pupil)."""
        if not can_apply_for_pupils(request.user):
            raise DomainError(NOT_A_TEACHER, code=NOT_ALLOWED_CODE)
        serializer = ForPupilsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        open_day = serializer.validated_data["open_day"]
        pupils = [
            services.Pupil(
                first_name=pupil["first_name"],
                age=pupil["age"],
                grade=pupil.get("grade"),
                guardian_email=pupil.get("guardian_email", ""),
                first_time=pupil.get("first_time", True),
                host_ids=pupil["preferences"],
            )
            for pupil in serializer.validated_data["pupils"]
        ]
        made = services.applications_submit_for_pupils(open_day=open_day, user=request.user, pupils=pupils)
        data = ApplicationSerializer(made, many=True, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw; after publication her place goes to the waiting list."""
        application = services.application_withdraw(application=self.get_object(), language=request.user.language)
        return Response(ApplicationSerializer(application, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        """Erase her personal data on request (withdrawing first); the anonymous counts stay."""
        services.application_erase(application=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    """Add this part's viewsets to the router."""
    router.register("openday-applications", ApplicationViewSet, basename="openday-application-api")
