"""REST API for offers, slots, bookings and the waitlist. Thin: validate, then call services."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bookings import selectors, services
from bookings.filters import BookingFilter, OfferFilter, SlotFilter
from bookings.models import (
    MAX_ADULTS_PER_BOOKING,
    MAX_CLASSES_PER_SLOT,
    MAX_PUPILS_PER_SLOT,
    Booking,
    Offer,
    Slot,
)
from bookings.permissions import can_manage_offer, can_manage_offers
from companies.models import CompanyMember, RoleModel
from companies.selectors import company_list_editable_by
from core.api import AwareDateTimeField
from core.idempotency import IdempotentCreateMixin, idempotent
from core.models import Sector, Subject
from core.recurrence import MAX_RULE_LENGTH
from core.validators import MAX_ID
from schools.models import MAX_CLASS_PUPILS

# Permissions -------------------------------------------------------------------------------


class IsCompanyMemberForWrites(permissions.BasePermission):
    """Anyone may read what they can see; only the owning company's members (or staff) write."""

    message = _("Only members of the company that owns this can change it.")

    def has_permission(self, request: Request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_manage_offers(request.user)

    def has_object_permission(self, request: Request, view, obj) -> bool:
        offer = obj if isinstance(obj, Offer) else obj.offer
        return request.method in permissions.SAFE_METHODS or can_manage_offer(request.user, offer)


# Offers ------------------------------------------------------------------------------------


class OfferSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    municipality = serializers.IntegerField(source="company.municipality_id", read_only=True)
    municipality_name = serializers.CharField(source="company.municipality.name", read_only=True)
    subjects = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Subject.objects.all(), required=False
    )
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Sector.objects.all(), required=False)
    place = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    contact = serializers.PrimaryKeyRelatedField(queryset=CompanyMember.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            *Offer.EDITABLE_FIELDS,
            "company_name",
            "municipality",
            "municipality_name",
            "kind_display",
            "place",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["company"].queryset = company_list_editable_by(request.user)
        return fields


class OfferViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """Offers. Published offers are public; a company's members also see its drafts and
    create and edit its offers. Deleting unpublishes."""

    serializer_class = OfferSerializer
    permission_classes = [IsCompanyMemberForWrites]
    filterset_class = OfferFilter

    def get_queryset(self) -> QuerySet[Offer]:
        return selectors.offer_list_for_user(self.request.user).order_by("title", "id")

    def perform_create(self, serializer: OfferSerializer) -> None:
        serializer.instance = services.offer_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: OfferSerializer) -> None:
        serializer.instance = services.offer_update(
            offer=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Offer) -> None:
        services.offer_update(offer=instance, actor=self.request.user, is_published=False)


# Slots -------------------------------------------------------------------------------------


class SlotSerializer(serializers.ModelSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField(required=False)
    booking_deadline = AwareDateTimeField(required=False)
    capacity_classes = serializers.IntegerField(min_value=1, max_value=MAX_CLASSES_PER_SLOT, required=False)
    capacity_pupils = serializers.IntegerField(min_value=1, max_value=MAX_PUPILS_PER_SLOT, required=False)
    offer_title = serializers.CharField(source="offer.title", read_only=True)
    company = serializers.IntegerField(source="offer.company_id", read_only=True)
    company_name = serializers.CharField(source="offer.company.name", read_only=True)
    free_classes = serializers.IntegerField(read_only=True)
    free_pupils = serializers.IntegerField(read_only=True)
    role_models = serializers.PrimaryKeyRelatedField(many=True, queryset=RoleModel.objects.all(), required=False)

    class Meta:
        model = Slot
        fields = [
            "id",
            "offer",
            "offer_title",
            "company",
            "company_name",
            "series",
            "start",
            "end",
            "booking_deadline",
            "capacity_classes",
            "capacity_pupils",
            "booked_classes",
            "booked_pupils",
            "free_classes",
            "free_pupils",
            "status",
            "role_models",
        ]
        read_only_fields = ["series", "booked_classes", "booked_pupils", "status"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["offer"].queryset = selectors.offer_list_editable_by(request.user)
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            fields["offer"].read_only = True
        return fields


class SlotSeriesSerializer(serializers.Serializer):
    offer = serializers.PrimaryKeyRelatedField(queryset=Offer.objects.none())
    start = AwareDateTimeField(help_text=_("Start of the first occurrence, with UTC offset."))
    end = AwareDateTimeField(help_text=_("End of the first occurrence, with UTC offset."))
    rrule = serializers.CharField(
        max_length=MAX_RULE_LENGTH,
        help_text=_(
            "RFC 5545 rule: FREQ=DAILY, WEEKLY or MONTHLY; COUNT (at most 200) or UNTIL (at most 3 years after "
            "the first date); optionally INTERVAL (1–52), BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS (monthly), WKST. "
            "E.g. FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"
        ),
    )
    exdates = serializers.ListField(child=serializers.DateField(), required=False, default=list)
    capacity_classes = serializers.IntegerField(min_value=1, max_value=MAX_CLASSES_PER_SLOT, required=False)
    capacity_pupils = serializers.IntegerField(min_value=1, max_value=MAX_PUPILS_PER_SLOT, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["offer"].queryset = selectors.offer_list_editable_by(self.context["request"].user)
        return fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SlotViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """Dated occurrences of offers. Anyone sees the slots of published offers; the company
    adds, changes and cancels them. Deleting a slot cancels it and its bookings."""

    serializer_class = SlotSerializer
    permission_classes = [IsCompanyMemberForWrites]
    filterset_class = SlotFilter

    def get_queryset(self) -> QuerySet[Slot]:
        return selectors.slot_list_for_user(self.request.user).order_by("start", "id")

    def perform_create(self, serializer: SlotSerializer) -> None:
        serializer.instance = services.slot_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: SlotSerializer) -> None:
        serializer.instance = services.slot_update(
            slot=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Slot) -> None:
        services.slot_cancel(slot=instance, actor=self.request.user)

    @extend_schema(request=SlotSeriesSerializer, responses={201: SlotSerializer(many=True)})
    @action(detail=False, methods=["post"])
    @idempotent
    def series(self, request: Request) -> Response:
        """Create slots from an RFC 5545 recurrence rule, skipping holidays and exception dates."""
        serializer = SlotSeriesSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        series = services.slot_series_create(actor=request.user, **serializer.validated_data)
        slots = self.get_queryset().filter(series=series)
        return Response(SlotSerializer(slots, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=SlotSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the slot and every booking on it."""
        slot = self.get_object()
        note = NoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        services.slot_cancel(slot=slot, actor=request.user, note=note.validated_data["note"])
        return Response(SlotSerializer(slot).data)


# Bookings ----------------------------------------------------------------------------------


class BookingSerializer(serializers.ModelSerializer):
    slot_start = serializers.DateTimeField(source="slot.start", read_only=True)
    slot_end = serializers.DateTimeField(source="slot.end", read_only=True)
    offer = serializers.IntegerField(source="slot.offer_id", read_only=True)
    offer_title = serializers.CharField(source="slot.offer.title", read_only=True)
    company_name = serializers.CharField(source="slot.offer.company.name", read_only=True)
    class_name = serializers.CharField(source="school_class.name", read_only=True, allow_null=True)
    teacher_name = serializers.CharField(source="teacher.user.get_full_name", read_only=True, allow_null=True)
    school = serializers.IntegerField(source="school_pk", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    booked_by_name = serializers.CharField(source="booked_by.get_full_name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "slot",
            "slot_start",
            "slot_end",
            "offer",
            "offer_title",
            "company_name",
            "school_class",
            "class_name",
            "teacher",
            "teacher_name",
            "school",
            "school_name",
            "pupils",
            "adults",
            "message",
            "status",
            "status_display",
            "booked_by_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, booking: Booking) -> dict:
        """Written out rather than walked field by field: bookings are the most listed and
        most created objects, and DRF's generic walk costs more than the query. The test
        suite checks that the keys and values match the declared fields. A teacher visit has
        a teacher instead of a class."""
        slot, school_class, teacher = booking.slot, booking.school_class, booking.teacher
        school = teacher.school if school_class is None else school_class.school
        return {
            "id": booking.pk,
            "slot": booking.slot_id,
            "slot_start": _iso(slot.start),
            "slot_end": _iso(slot.end),
            "offer": slot.offer_id,
            "offer_title": slot.offer.title,
            "company_name": slot.offer.company.name,
            "school_class": booking.school_class_id,
            "class_name": None if school_class is None else school_class.name,
            "teacher": booking.teacher_id,
            "teacher_name": None if teacher is None else teacher.user.get_full_name(),
            "school": school.pk,
            "school_name": school.name,
            "pupils": booking.pupils,
            "adults": booking.adults,
            "message": booking.message,
            "status": booking.status,
            "status_display": str(booking.get_status_display()),
            "booked_by_name": booking.booked_by.get_full_name(),
            "created_at": _iso(booking.created_at),
            "updated_at": _iso(booking.updated_at),
        }


def _iso(moment: dt.datetime) -> str:
    """The same text DRF's DateTimeField gives: local time with its offset, UTC as Z."""
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class BookingCreateSerializer(serializers.Serializer):
    """Ids are checked by the service, which answers "does not exist" for what the user may not
    see. A teacher visit is booked without a class and pupils (a consultant names the teacher)."""

    slot = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    school_class = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True, default=None)
    pupils = serializers.IntegerField(min_value=0, max_value=MAX_CLASS_PUPILS, default=0)
    teacher = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True, default=None)
    adults = serializers.IntegerField(min_value=0, max_value=MAX_ADULTS_PER_BOOKING, default=1)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, data: dict) -> dict:
        """A class comes with at least one pupil; said here too, so that the answer names the
        field before any id is looked up."""
        if data["school_class"] is not None and data["pupils"] < 1:
            raise serializers.ValidationError({"pupils": [services.PUPILS_REQUIRED]})
        return data


class BookingMoveSerializer(NoteSerializer):
    slot = serializers.IntegerField(min_value=1, max_value=MAX_ID, source="slot_id")


class BookingAttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField(help_text="True: the class came (completed); false: a no-show.")


class BookingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bookings. Teachers book for their school's classes (and teacher visits for themselves)
    and see their school's bookings; company members see and answer the bookings on their
    company's offers."""

    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = BookingFilter

    def get_queryset(self) -> QuerySet[Booking]:
        return selectors.booking_list_for_user(self.request.user).order_by("slot__start", "id")

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer})
    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        booking = services.booking_create(
            actor=request.user,
            slot_id=data["slot"],
            school_class_id=data["school_class"],
            pupils=data["pupils"],
            adults=data["adults"],
            message=data["message"],
            teacher_id=data["teacher"],
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def _act(self, request: Request, service, serializer_class=NoteSerializer) -> Response:
        booking = self.get_object()
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = service(booking=booking, actor=request.user, **payload.validated_data)
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=NoteSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The host confirms a request."""
        return self._act(request, services.booking_confirm)

    @extend_schema(request=NoteSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """The host declines a request or a waitlisted class."""
        return self._act(request, services.booking_decline)

    @extend_schema(request=NoteSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the booking; its place goes to the first class on the waitlist."""
        return self._act(request, services.booking_cancel)

    @extend_schema(request=BookingMoveSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the booking to another slot of the same offer."""
        return self._act(request, services.booking_move, BookingMoveSerializer)

    @extend_schema(request=BookingAttendanceSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """The host marks, once the slot has started, whether the class came."""
        return self._act(request, services.booking_attendance_mark, BookingAttendanceSerializer)


class WaitlistEntrySerializer(BookingSerializer):
    position = serializers.IntegerField(read_only=True)

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "position"]
        read_only_fields = fields

    def to_representation(self, booking: Booking) -> dict:
        return {**super().to_representation(booking), "position": booking.position}


class WaitlistViewSet(viewsets.ReadOnlyModelViewSet):
    """Waitlisted bookings with their place in the queue (1 = next to get a free place)."""

    serializer_class = WaitlistEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["slot", "school_class"]

    def get_queryset(self) -> QuerySet[Booking]:
        return selectors.waitlist_list_for_user(self.request.user).order_by("slot__start", "position", "id")
