"""Admin for offers, slots and bookings. Every write goes through the services, which keep the
rules and tell the people concerned: offers and slots are saved by them, and bookings are shown
read-only with actions that call them."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings import selectors, services
from bookings.models import Booking, BookingEvent, Offer, Slot, SlotCounterCheck, SlotSeries
from core.admin import ReadOnlyInline, ServiceAdmin, adopt
from core.errors import DomainError

# The fields a slot's services change and announce to its bookings.
SLOT_TIMES_AND_CAPACITY = ["start", "end", "booking_deadline", "capacity_classes", "capacity_pupils"]


class SlotInline(ReadOnlyInline):
    """The offer's slots, each linking to its own page, where changes go through the services."""

    model = Slot
    fields = [*SLOT_TIMES_AND_CAPACITY, "booked_classes", "status"]

    def has_change_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        return False


@admin.register(Offer)
class OfferAdmin(ServiceAdmin):
    """Offers are saved by the services, which keep the contact person within the company and
    give an offer without sectors its company's sector."""

    list_display = ["title", "company", "kind", "grade_min", "grade_max", "auto_confirm", "is_published"]
    list_filter = ["kind", "is_published", "auto_confirm", "waitlist_enabled", "sectors", "subjects"]
    search_fields = ["title", "description", "company__name"]
    filter_horizontal = ["subjects", "sectors"]
    autocomplete_fields = ["company"]
    inlines = [SlotInline]

    def save_model(self, request: HttpRequest, obj: Offer, form: ModelForm, change: bool) -> None:
        data: dict[str, Any] = dict(form.cleaned_data)
        subjects, sectors = list(data.pop("subjects")), list(data.pop("sectors"))
        if change:
            changed = {name: value for name, value in data.items() if name in form.changed_data}
            services.offer_update(offer=obj, actor=request.user, subjects=subjects, sectors=sectors, **changed)
        else:
            adopt(obj, services.offer_create(actor=request.user, subjects=subjects, sectors=sectors, **data))

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool) -> None:
        """The service has set subjects and sectors; the read-only slot list saves nothing."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(SlotSeries)
class SlotSeriesAdmin(admin.ModelAdmin):
    """The rules slots were made from, as a record: a series is created with its slots by the service."""

    list_display = ["offer", "rrule", "created_by", "created_at"]
    search_fields = ["offer__title", "rrule"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SlotSeries | None = None) -> bool:
        return False


class CountersFilter(admin.SimpleListFilter):
    """Slots whose counters disagree with their bookings, as the hourly check finds them, but
    computed now (bookings.selectors.slots_with_disagreeing_counters)."""

    title = _("counters")
    parameter_name = "counters"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("disagree", _("counters disagree with bookings"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Slot]) -> QuerySet[Slot]:
        if self.value() == "disagree":
            return queryset.filter(pk__in=selectors.slots_with_disagreeing_counters().values("pk"))
        return queryset


def last_counter_check_note() -> tuple[int, str] | None:
    """The last counter check's result for the slot list, with its message level; None before
    the first run."""
    check = SlotCounterCheck.objects.first()
    if check is None:
        return None
    when = date_format(timezone.localtime(check.checked_at), "SHORT_DATETIME_FORMAT")
    if not check.disagreeing:
        return messages.INFO, gettext("Last counter check %(when)s: every slot's counters agree with its bookings.") % {
            "when": when
        }
    return messages.ERROR, ngettext(
        "Last counter check %(when)s: %(count)d slot's counters disagreed with its bookings (slot %(slots)s).",
        "Last counter check %(when)s: %(count)d slots' counters disagreed with their bookings (slots %(slots)s).",
        check.disagreeing,
    ) % {"when": when, "count": check.disagreeing, "slots": ", ".join(str(row["slot"]) for row in check.details)}


@admin.register(Slot)
class SlotAdmin(ServiceAdmin):
    """Time, capacity and role models are saved by the services, which tell every booking what
    changed; the status changes only with the cancel action, which cancels the bookings too.
    The model form still checks Slot's constraints, so a capacity below the places already
    booked is a form error. A slot with bookings cannot be deleted (they protect it)."""

    list_display = ["offer", "start", "end", "capacity_classes", "booked_classes", "booked_pupils", "status"]
    list_filter = ["status", "offer__kind", "offer__company", CountersFilter]
    search_fields = ["offer__title", "offer__company__name"]
    date_hierarchy = "start"
    fields = ["offer", "series", *SLOT_TIMES_AND_CAPACITY, "booked_classes", "booked_pupils", "status", "role_models"]
    filter_horizontal = ["role_models"]
    autocomplete_fields = ["offer"]
    actions = ["cancel_slots"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        """The list, headed by the last counter check's result."""
        if note := last_counter_check_note():
            self.message_user(request, note[1], note[0])
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Slot | None = None) -> list[str]:
        always = ["series", "booked_classes", "booked_pupils", "status"]
        return always if obj is None else ["offer", *always]

    def save_model(self, request: HttpRequest, obj: Slot, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            # The service compares with the slot as it was: `obj` already holds the form's values.
            before = Slot.objects.get(pk=obj.pk)
            changed = {name: data[name] for name in SLOT_TIMES_AND_CAPACITY if name in form.changed_data}
            role_models = list(data["role_models"]) if "role_models" in form.changed_data else None
            saved = services.slot_update(slot=before, actor=request.user, role_models=role_models, **changed)
        else:
            times = {name: data[name] for name in SLOT_TIMES_AND_CAPACITY}
            saved = services.slot_create(
                actor=request.user, offer=data["offer"], role_models=list(data["role_models"]), **times
            )
        adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool) -> None:
        """The service has set the role models."""

    @admin.action(description=_("Cancel the selected slots and their bookings"), permissions=["change"])
    def cancel_slots(self, request: HttpRequest, queryset: QuerySet[Slot]) -> None:
        done = 0
        for slot in queryset:
            try:
                services.slot_cancel(slot=slot, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{slot}: {error.message}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d slot cancelled.", "%(count)d slots cancelled.", done) % {"count": done},
            messages.SUCCESS,
        )


class BookingEventInline(ReadOnlyInline):
    """A booking's history, as the services recorded it; nobody rewrites it."""

    model = BookingEvent
    show_change_link = False
    fields = ["action", "from_status", "to_status", "actor", "note", "at"]

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


class MessagesFailedFilter(admin.SimpleListFilter):
    """Bookings whose e-mails could not be written: each needs a look, the rest went out."""

    title = _("e-mails failed")
    parameter_name = "messages_failed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Yes"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Booking]) -> QuerySet[Booking]:
        return queryset.exclude(messages_error="") if self.value() == "yes" else queryset


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["school_class", "teacher", "slot", "status", "pupils", "booked_by", "created_at"]
    list_filter = [
        "status",
        "messages_pending",
        MessagesFailedFilter,
        "slot__offer__kind",
        "slot__offer__company",
        "school_class__school",
    ]
    search_fields = [
        "school_class__name",
        "school_class__school__name",
        "teacher__user__username",
        "slot__offer__title",
        "booked_by__username",
    ]
    date_hierarchy = "created_at"
    fields = [
        "slot",
        "school_class",
        "teacher",
        "booked_by",
        "pupils",
        "adults",
        "message",
        "status",
        "messages_pending",
        "messages_error",
    ]
    readonly_fields = ["messages_pending", "messages_error"]
    list_select_related = ["school_class__school", "teacher__user", "teacher__school", "slot__offer", "booked_by"]
    inlines = [BookingEventInline]
    actions = ["confirm", "decline", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        """The page only shows a booking; its status changes through the actions."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        """A booking is cancelled, never deleted: the school, the host and the history keep it."""
        return False

    def has_manage_permission(self, request: HttpRequest) -> bool:
        """Who may run the actions: those allowed to change bookings, although the page is read-only."""
        return request.user.has_perm("bookings.change_booking")

    def _apply(self, request: HttpRequest, queryset: QuerySet[Booking], service) -> None:
        done = 0
        for booking in queryset.select_related("slot__offer", "school_class", "teacher__user"):
            try:
                service(booking=booking, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d booking changed.", "%(count)d bookings changed.", done) % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Confirm the selected requests"), permissions=["manage"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(request, queryset, services.booking_confirm)

    @admin.action(description=_("Decline the selected requests"), permissions=["manage"])
    def decline(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(request, queryset, services.booking_decline)

    @admin.action(description=_("Cancel the selected bookings"), permissions=["manage"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(request, queryset, services.booking_cancel)


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    """The history the services write: shown, never added to, rewritten or deleted."""

    list_display = ["booking", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["booking__school_class__name", "booking__slot__offer__title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BookingEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BookingEvent | None = None) -> bool:
        return False


@admin.register(SlotCounterCheck)
class SlotCounterCheckAdmin(admin.ModelAdmin):
    """The runs of the hourly counter check, as it recorded them; nobody edits them."""

    list_display = ["checked_at", "disagreeing"]
    list_filter = ["checked_at"]
    fields = ["checked_at", "disagreeing", "details"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SlotCounterCheck | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SlotCounterCheck | None = None) -> bool:
        return False
