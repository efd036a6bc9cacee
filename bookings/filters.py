"""Filters for offers, slots and bookings, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Offer, Slot, grade_accepted_q
from bookings.selectors import bookable_slots
from companies.models import Company
from core.filters import DateFilter, IdFilter, IntegerFilter
from core.geo import distance_km
from core.models import Municipality, Sector, Subject
from schools.models import Grade


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _offer_search(offer: str) -> type[django_filters.FilterSet]:
    """The filters on an offer's own fields, shared by offers and their slots; `offer` is the
    path to the offer ("" for offers, "offer__" for slots), as in grade_accepted_q."""

    class OfferSearch(django_filters.FilterSet):
        kind = django_filters.ChoiceFilter(field_name=f"{offer}kind", choices=Offer.Kind.choices)
        sector = django_filters.ModelChoiceFilter(field_name=f"{offer}sectors", queryset=Sector.objects.all())
        subject = django_filters.ModelChoiceFilter(field_name=f"{offer}subjects", queryset=Subject.objects.all())
        municipality = IdFilter(field_name=f"{offer}company__municipality")
        company = IdFilter(field_name=f"{offer}company")
        grade = IntegerFilter(
            method="filter_grade", label=_("grade"), min_value=min(Grade.values), max_value=max(Grade.values)
        )

        def filter_grade(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
            return queryset.filter(grade_accepted_q(value, offer=offer))

        def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
            for word in value.split():
                queryset = queryset.filter(
                    Q(**{f"{offer}title__icontains": word})
                    | Q(**{f"{offer}description__icontains": word})
                    | Q(**{f"{offer}company__name__icontains": word})
                )
            return queryset

    return OfferSearch


class OfferFilter(_offer_search("")):
    date_from = DateFilter(method="filter_dates", label=_("has a slot on or after"))
    date_to = DateFilter(method="filter_dates", label=_("has a slot on or before"))
    free = django_filters.BooleanFilter(method="filter_free", label=_("only offers with free, bookable slots"))
    q = django_filters.CharFilter(method="filter_text", label=_("text search"))

    class Meta:
        model = Offer
        fields = ["kind", "sector", "subject", "municipality", "company", "grade", "is_published"]

    def filter_dates(self, queryset: QuerySet[Offer], name: str, value: dt.date) -> QuerySet[Offer]:
        return queryset.filter(Exists(self._slots_in_range()))

    def _slots_in_range(self) -> QuerySet[Slot]:
        slots = Slot.objects.filter(offer=OuterRef("pk"), status=Slot.Status.OPEN)
        if date_from := self.form.cleaned_data.get("date_from"):
            slots = slots.filter(start__gte=_day_start(date_from))
        if date_to := self.form.cleaned_data.get("date_to"):
            slots = slots.filter(start__lt=_day_start(date_to + dt.timedelta(days=1)))
        if self.form.cleaned_data.get("free"):
            slots = slots.filter(pk__in=bookable_slots().filter(booked_classes__lt=F("capacity_classes")))
        return slots

    def filter_free(self, queryset: QuerySet[Offer], name: str, value: bool | None) -> QuerySet[Offer]:
        if not value:
            return queryset
        return queryset.filter(Exists(self._slots_in_range()))


class SlotFilter(_offer_search("offer__")):
    offer = IdFilter(field_name="offer")
    status = django_filters.ChoiceFilter(choices=Slot.Status.choices)
    date_from = DateFilter(method="filter_date_from", label=_("starts on or after"))
    date_to = DateFilter(method="filter_date_to", label=_("starts on or before"))
    free = django_filters.BooleanFilter(method="filter_free", label=_("only slots with a free place"))
    q = django_filters.CharFilter(method="filter_text", label=_("text search"))

    class Meta:
        model = Slot
        fields = ["offer", "company", "kind", "sector", "subject", "municipality", "status"]

    def filter_date_from(self, queryset: QuerySet[Slot], name: str, value: dt.date) -> QuerySet[Slot]:
        return queryset.filter(start__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet[Slot], name: str, value: dt.date) -> QuerySet[Slot]:
        return queryset.filter(start__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_free(self, queryset: QuerySet[Slot], name: str, value: bool | None) -> QuerySet[Slot]:
        if not value:
            return queryset
        return queryset.filter(pk__in=bookable_slots().filter(booked_classes__lt=F("capacity_classes"))).filter(
            booked_pupils__lt=F("capacity_pupils")
        )


class BookingFilter(django_filters.FilterSet):
    slot = IdFilter(field_name="slot")
    offer = IdFilter(field_name="slot__offer")
    school_class = IdFilter(field_name="school_class")
    status = django_filters.MultipleChoiceFilter(choices=Booking.Status.choices)
    date_from = DateFilter(method="filter_date_from", label=_("slot starts on or after"))
    date_to = DateFilter(method="filter_date_to", label=_("slot starts on or before"))

    class Meta:
        model = Booking
        fields = ["slot", "offer", "school_class", "status"]

    def filter_date_from(self, queryset: QuerySet[Booking], name: str, value: dt.date) -> QuerySet[Booking]:
        return queryset.filter(slot__start__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet[Booking], name: str, value: dt.date) -> QuerySet[Booking]:
        return queryset.filter(slot__start__lt=_day_start(value + dt.timedelta(days=1)))


def company_ids_within(*, latitude: float, longitude: float, km: float) -> list[int]:
    """Companies whose address lies within `km` of a point (straight line)."""
    return [
        company_id
        for company_id, lat, lon in Company.objects.exclude(latitude=None)
        .exclude(longitude=None)
        .values_list("id", "latitude", "longitude")
        if distance_km(latitude, longitude, lat, lon) <= km
    ]


DISTANCE_CHOICES = [(10, _("10 km")), (25, _("25 km")), (50, _("50 km")), (100, _("100 km"))]


class OfferCatalogueFilter(OfferFilter):
    """The catalogue page's filters: the API's, with labels and widgets for people, and the
    distance from the teacher's own school."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Offer.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors", queryset=Sector.objects.all(), label=_("Sector"), empty_label=_("All sectors")
    )
    subject = django_filters.ModelChoiceFilter(
        field_name="subjects", queryset=Subject.objects.all(), label=_("STEM subject"), empty_label=_("All subjects")
    )
    grade = django_filters.ChoiceFilter(
        method="filter_grade", choices=Grade.choices, label=_("Grade"), empty_label=_("All grades")
    )
    municipality = django_filters.ModelChoiceFilter(
        field_name="company__municipality",
        queryset=Municipality.objects.all(),
        label=_("Municipality"),
        empty_label=_("All municipalities"),
    )
    max_distance = django_filters.ChoiceFilter(
        method="filter_distance",
        choices=DISTANCE_CHOICES,
        label=_("Distance from my school"),
        empty_label=_("Any distance"),
    )
    date_from = DateFilter(method="filter_dates", label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateFilter(method="filter_dates", label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    free = django_filters.BooleanFilter(method="filter_free", label=_("Only free slots"), widget=forms.CheckboxInput)

    class Meta:
        model = Offer
        fields = [
            "q",
            "kind",
            "sector",
            "subject",
            "grade",
            "municipality",
            "max_distance",
            "date_from",
            "date_to",
            "free",
        ]

    def __init__(self, *args, school=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        del self.filters["company"]  # an id box means nothing to a person; companies are searched by name
        if school is None or school.latitude is None:
            del self.filters["max_distance"]

    def filter_grade(self, queryset: QuerySet[Offer], name: str, value) -> QuerySet[Offer]:
        return super().filter_grade(queryset, name, int(value))

    def filter_distance(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        nearby = company_ids_within(latitude=self.school.latitude, longitude=self.school.longitude, km=int(value))
        return queryset.filter(company_id__in=nearby)
