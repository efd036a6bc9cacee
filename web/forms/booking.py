"""Forms for the booking pages. They only parse input; every business rule is in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bookings.models import MAX_ADULTS_PER_BOOKING, Slot
from schools.models import SchoolClass
from web.forms import RefusesOverlongText


class SlotChoiceField(forms.ModelChoiceField):
    """Offers the bookable slots but accepts any slot of the offer, so that a slot that
    stopped being bookable after the page was shown gets the service's reason (deadline
    passed, already started), not a bare "not a valid choice"."""

    def __init__(self, *, accepted: QuerySet[Slot], for_teachers: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.accepted = accepted
        # On a teacher visit the free places are places for teachers, not pupils.
        self.for_teachers = for_teachers

    def label_from_instance(self, slot: Slot) -> str:
        start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
        when = f"{capfirst(formats.date_format(start, 'WEEKDAY_DATE_FORMAT'))} {start:%H:%M}–{end:%H:%M}"
        if slot.is_full:
            return _("%(when)s (full)") % {"when": when}
        if self.for_teachers:
            return _("%(when)s (%(places)s free places for teachers)") % {"when": when, "places": slot.free_classes}
        return _("%(when)s (%(pupils)s free places)") % {"when": when, "pupils": slot.free_pupils}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.accepted.get(pk=value)
        except (ValueError, TypeError, OverflowError, Slot.DoesNotExist, ValidationError):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, school_class: SchoolClass) -> str:
        return _("%(name)s (%(grade)s, %(pupils)s pupils)") % {
            "name": school_class.name,
            "grade": school_class.get_grade_display(),
            "pupils": school_class.pupils,
        }


class BookingForm(RefusesOverlongText, forms.Form):
    slot = SlotChoiceField(label=_("Time"), queryset=Slot.objects.none(), accepted=Slot.objects.none())
    school_class = ClassChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())
    pupils = forms.IntegerField(
        label=_("Pupils"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Leave empty to bring the whole class."),
    )
    adults = forms.IntegerField(label=_("Adults"), min_value=0, max_value=MAX_ADULTS_PER_BOOKING, initial=1)
    message = forms.CharField(
        label=_("Message to the host"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args, slots: QuerySet[Slot], offer_slots: QuerySet[Slot], classes: QuerySet[SchoolClass], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].accepted = offer_slots
        self.fields["school_class"].queryset = classes
        only = list(classes[:2])
        if len(only) == 1:
            self.fields["school_class"].initial = only[0].pk
            self.fields["pupils"].initial = only[0].pupils

    def clean(self) -> dict:
        data = super().clean()
        if data.get("pupils") is None and data.get("school_class") is not None and not self.has_error("pupils"):
            data["pupils"] = data["school_class"].pupils
        return data


class TeacherVisitForm(RefusesOverlongText, forms.Form):
    """A teacher books a teacher visit for themselves: a time and a message, no class or pupils."""

    slot = SlotChoiceField(
        label=_("Time"), queryset=Slot.objects.none(), accepted=Slot.objects.none(), for_teachers=True
    )
    message = forms.CharField(
        label=_("Message to the host"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, slots: QuerySet[Slot], offer_slots: QuerySet[Slot], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].accepted = offer_slots


class NoteForm(RefusesOverlongText, forms.Form):
    """A note to go with a confirmation, a decline or a cancellation."""

    note = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MoveForm(RefusesOverlongText, forms.Form):
    slot = SlotChoiceField(label=_("New time"), queryset=Slot.objects.none(), accepted=Slot.objects.none())
    note = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, slots: QuerySet[Slot], offer_slots: QuerySet[Slot], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].accepted = offer_slots
