"""Forms for company hosts. They turn input into the arguments of bookings.services; the
rules themselves live in the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bookings.models import MAX_CLASSES_PER_SLOT, MAX_DEADLINE_HOURS, MAX_PUPILS_PER_SLOT, Offer, Slot
from bookings.services import ON_HOLIDAY
from companies.models import Company, CompanyMember, RoleModel
from core.dates import holiday_name
from core.errors import DomainError
from core.validators import MAX_ID
from web.forms import RefusesOverlongText, limit_length

# How far ahead a date may be: date arithmetic stays far from overflow.
MAX_YEARS_AHEAD = 3
# Texts the model leaves unbounded: a description of a page or two, notes of a few paragraphs.
MAX_DESCRIPTION = 4000
MAX_NOTES = 2000

WEEKDAYS = [
    ("MO", capfirst(_("Monday"))),
    ("TU", capfirst(_("Tuesday"))),
    ("WE", capfirst(_("Wednesday"))),
    ("TH", capfirst(_("Thursday"))),
    ("FR", capfirst(_("Friday"))),
    ("SA", capfirst(_("Saturday"))),
    ("SU", capfirst(_("Sunday"))),
]
WEEKDAY_NUMBER = {code: number for number, (code, _label) in enumerate(WEEKDAYS)}


def add_domain_error(form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, _page_message(form, error))


def _page_message(form: forms.Form, error: DomainError) -> str:
    """The service's message; a holiday is named with the date written the page's way, since the
    service's message carries it in ISO form."""
    day = getattr(form, "cleaned_data", {}).get("date")
    if error.code == "holiday" and isinstance(day, dt.date) and holiday_name(day):
        return str(ON_HOLIDAY % {"date": formats.date_format(day, "DATE_FORMAT"), "name": holiday_name(day)})
    return str(error.message)


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a model validation error (from a service's full_clean) next to its fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in Copenhagen as an aware datetime."""
    return dt.datetime.combine(day, time).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def _check_date_range(form: forms.Form, name: str) -> bool:
    """Whether the date is within reach: at most MAX_YEARS_AHEAD ahead and at most a year back
    (year 1 or 9999 would overflow when turned into an aware time)."""
    day = form.cleaned_data.get(name)
    if day is None:
        return False
    today = timezone.localdate()
    if day > today.replace(year=today.year + MAX_YEARS_AHEAD):
        form.add_error(name, _("The date must be at most %(years)s years ahead.") % {"years": MAX_YEARS_AHEAD})
        return False
    if day < today - dt.timedelta(days=366):
        form.add_error(name, _("The date is too far in the past."))
        return False
    return True


class OfferForm(RefusesOverlongText, forms.ModelForm):
    """An offer. `company` is a field only when the member acts for more than one company."""

    class Meta:
        model = Offer
        fields = list(Offer.EDITABLE_FIELDS)
        widgets = {"subjects": forms.CheckboxSelectMultiple, "sectors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, companies: QuerySet[Company], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        listed = list(companies)
        if self.instance.pk is not None:
            del self.fields["company"]
            company_ids = [self.instance.company_id]
        elif len(listed) == 1:
            del self.fields["company"]
            self.instance.company = listed[0]
            company_ids = [listed[0].pk]
        else:
            self.fields["company"].queryset = companies
            company_ids = [company.pk for company in listed]
        self.fields["contact"].queryset = (
            CompanyMember.objects.filter(company_id__in=company_ids).select_related("user", "company").order_by("pk")
        )
        self.fields["contact"].label_from_instance = lambda member: (
            f"{member.user.get_full_name() or member.user.username} ({member.company})"
        )
        self.fields["default_capacity_classes"].help_text = _("On a teacher visit: places for teachers.")
        self.fields["default_capacity_pupils"].help_text = _("Not used on a teacher visit.")
        for name, high in (
            ("default_capacity_classes", MAX_CLASSES_PER_SLOT),
            ("default_capacity_pupils", MAX_PUPILS_PER_SLOT),
            ("booking_deadline_hours", MAX_DEADLINE_HOURS),
            ("cancellation_deadline_hours", MAX_DEADLINE_HOURS),
        ):
            self.fields[name].validators.append(MaxValueValidator(high))
            self.fields[name].widget.attrs["max"] = high
        limit_length(self.fields["description"], MAX_DESCRIPTION)
        limit_length(self.fields["practical_notes"], MAX_NOTES)

    def clean(self) -> dict:
        """Checks the grade range early, to show its message with the other field errors;
        offer_create and offer_update refuse a reversed range themselves."""
        data = super().clean()
        low, high = data.get("grade_min"), data.get("grade_max")
        if low is not None and high is not None and low > high:
            self.add_error("grade_max", _("The highest grade cannot be lower than the lowest grade."))
        return data

    def service_fields(self) -> tuple[list, list, dict]:
        """(subjects, sectors, other fields) for offer_create / offer_update."""
        data = dict(self.cleaned_data)
        subjects, sectors = list(data.pop("subjects", [])), list(data.pop("sectors", []))
        if "company" not in data and self.instance.pk is None:
            data["company"] = self.instance.company
        return subjects, sectors, data


def label_for_teacher_visit(form: forms.Form) -> forms.Form:
    """A teacher visit's slot holds places for teachers (counted as the class places); its
    pupil capacity is not used."""
    form.fields["capacity_classes"].label = _("Places for teachers")
    form.fields["capacity_pupils"].help_text = _("Not used on a teacher visit.")
    return form


def _capacity(label: str, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=high,
        required=False,
        help_text=_("Leave empty for the offer's default."),
    )


class _SlotTimesForm(forms.Form):
    """What one slot and a series of slots both ask for: the times of day and the capacities.
    Subclasses put their date fields first with `field_order`."""

    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity_classes = _capacity(_("Capacity (classes)"), MAX_CLASSES_PER_SLOT)
    capacity_pupils = _capacity(_("Capacity (pupils)"), MAX_PUPILS_PER_SLOT)

    def _check_times(self, first: str, start: str, end: str) -> None:
        data = self.cleaned_data
        if data.get(start) and data.get(end) and data[end] <= data[start]:
            self.add_error(end, _("The end must be after the start."))
        _check_date_range(self, first)

    def _capacities(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("capacity_classes", "capacity_pupils")}


class SlotForm(_SlotTimesForm):
    """One slot, in Copenhagen wall-clock time."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["date"]
    prefix = "slot"
    error_aliases = {"start": "date", "end": "end_time", "capacity_classes": "capacity_classes"}

    def clean(self) -> dict:
        data = super().clean()
        self._check_times("date", "start_time", "end_time")
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "start": local_datetime(data["date"], data["start_time"]),
            "end": local_datetime(data["date"], data["end_time"]),
            **self._capacities(),
        }


class SeriesForm(_SlotTimesForm):
    """Weekly slots on the chosen weekdays between two dates."""

    weekdays = forms.MultipleChoiceField(label=_("Weekdays"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple)
    first_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["weekdays", "first_date", "last_date"]
    prefix = "series"
    error_aliases = {"start": "first_date", "end": "end_time", "rrule": "weekdays"}

    def clean(self) -> dict:
        data = super().clean()
        self._check_times("first_date", "start_time", "end_time")
        _check_date_range(self, "last_date")
        if data.get("first_date") and data.get("last_date") and data["last_date"] < data["first_date"]:
            self.add_error("last_date", _("The last date must not be before the first."))
        return data

    def rrule(self) -> str:
        data = self.cleaned_data
        days = sorted(data["weekdays"], key=WEEKDAY_NUMBER.__getitem__)
        return f"FREQ=WEEKLY;BYDAY={','.join(days)};UNTIL={data['last_date']:%Y%m%d}T235959Z"

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "start": local_datetime(data["first_date"], data["start_time"]),
            "end": local_datetime(data["first_date"], data["end_time"]),
            "rrule": self.rrule(),
            **self._capacities(),
        }

    def asked_dates(self) -> list[dt.date]:
        """Every date the host asked for: the chosen weekdays between the two dates."""
        data = self.cleaned_data
        numbers = {WEEKDAY_NUMBER[code] for code in data["weekdays"]}
        day, days = data["first_date"], []
        while day <= data["last_date"]:
            if day.weekday() in numbers:
                days.append(day)
            day += dt.timedelta(days=1)
        return days


# A browser's date and time pickers read and write only these formats, whatever the language.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class RoleModelChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        """Ids the database cannot hold get the field's own message, not an overflow in the query."""
        for pk in value:
            if not str(pk).isdigit() or int(pk) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, role_model: RoleModel) -> str:
        return f"{role_model.name} ({role_model.job_title})"


class SlotEditForm(_SlotTimesForm):
    """One slot's time, capacity, booking deadline and role models, in Copenhagen wall-clock time.
    Its capacities are required: they show the slot's own."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_INPUT)
    capacity_classes = forms.IntegerField(label=_("Capacity (classes)"), min_value=1, max_value=MAX_CLASSES_PER_SLOT)
    capacity_pupils = forms.IntegerField(label=_("Capacity (pupils)"), min_value=1, max_value=MAX_PUPILS_PER_SLOT)
    deadline_date = forms.DateField(label=_("Book by (date)"), widget=DATE_INPUT)
    deadline_time = forms.TimeField(label=_("Book by (time)"), widget=TIME_INPUT)
    role_models = RoleModelChoiceField(
        label=_("Role models"),
        queryset=RoleModel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["date"]
    error_aliases = {
        "start": "date",
        "end": "end_time",
        "capacity_classes": "capacity_classes",
        "booking_deadline": "deadline_date",
    }

    def __init__(self, *args, slot: Slot, **kwargs) -> None:
        start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
        deadline = timezone.localtime(slot.booking_deadline)
        kwargs.setdefault(
            "initial",
            {
                "date": start.date(),
                "start_time": start.time(),
                "end_time": end.time(),
                "capacity_classes": slot.capacity_classes,
                "capacity_pupils": slot.capacity_pupils,
                "deadline_date": deadline.date(),
                "deadline_time": deadline.time(),
                "role_models": list(slot.role_models.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["role_models"].queryset = RoleModel.objects.filter(company_id=slot.offer.company_id)

    def clean(self) -> dict:
        data = super().clean()
        self._check_times("date", "start_time", "end_time")
        start = self._start()
        if (
            _check_date_range(self, "deadline_date")
            and data.get("deadline_time")
            and start
            and self._deadline() > start
        ):
            self.add_error("deadline_date", _("The booking deadline must not be after the start."))
        return data

    def _start(self) -> dt.datetime | None:
        data = self.cleaned_data
        if self.has_error("date") or not data.get("date") or not data.get("start_time"):
            return None
        return local_datetime(data["date"], data["start_time"])

    def _deadline(self) -> dt.datetime:
        return local_datetime(self.cleaned_data["deadline_date"], self.cleaned_data["deadline_time"])

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "start": local_datetime(data["date"], data["start_time"]),
            "end": local_datetime(data["date"], data["end_time"]),
            "capacity_classes": data["capacity_classes"],
            "capacity_pupils": data["capacity_pupils"],
            "booking_deadline": self._deadline(),
            "role_models": list(data["role_models"]),
        }


class SlotCancelForm(RefusesOverlongText, forms.Form):
    note = forms.CharField(
        label=_("Message to the teachers"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(label=_("Yes, cancel and tell everyone"))
