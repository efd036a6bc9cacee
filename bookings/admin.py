"""Admin for offers, slots and bookings. Booking state changes go through the services, so
the admin shows bookings read-only and offers actions that call the services."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.models import Booking, BookingEvent, Offer, Slot, SlotSeries
from core.errors import DomainError


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["start", "end", "booking_deadline", "capacity_classes", "capacity_pupils", "booked_classes", "status"]
    readonly_fields = ["booked_classes"]
    show_change_link = True


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "kind", "grade_min", "grade_max", "auto_confirm", "is_published"]
    list_filter = ["kind", "is_published", "auto_confirm", "waitlist_enabled", "sectors", "subjects"]
    search_fields = ["title", "description", "company__name"]
    filter_horizontal = ["subjects", "sectors"]
    autocomplete_fields = ["company"]
    inlines = [SlotInline]


@admin.register(SlotSeries)
class SlotSeriesAdmin(admin.ModelAdmin):
    list_display = ["offer", "rrule", "created_by", "created_at"]
    search_fields = ["offer__title", "rrule"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """The model form validates Slot's check constraints, so a capacity below the places
    already booked is shown as a form error rather than failing in the database."""

    list_display = ["offer", "start", "end", "capacity_classes", "booked_classes", "booked_pupils", "status"]
    list_filter = ["status", "offer__kind", "offer__company"]
    search_fields = ["offer__title", "offer__company__name"]
    date_hierarchy = "start"
    readonly_fields = ["booked_classes", "booked_pupils"]
    filter_horizontal = ["role_models"]
    autocomplete_fields = ["offer"]
    actions = ["cancel_slots"]

    @admin.action(description=_("Cancel the selected slots and their bookings"))
    def cancel_slots(self, request: HttpRequest, queryset: QuerySet[Slot]) -> None:
        for slot in queryset:
            services.slot_cancel(slot=slot, actor=request.user)
        self.message_user(request, _("Slots cancelled."), messages.SUCCESS)


class BookingEventInline(admin.TabularInline):
    """A booking's history, as the services recorded it; nobody rewrites it."""

    model = BookingEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["action", "from_status", "to_status", "actor", "note", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["school_class", "slot", "status", "pupils", "booked_by", "created_at"]
    list_filter = ["status", "messages_pending", "slot__offer__kind", "slot__offer__company", "school_class__school"]
    search_fields = ["school_class__name", "school_class__school__name", "slot__offer__title", "booked_by__username"]
    date_hierarchy = "created_at"
    fields = ["slot", "school_class", "booked_by", "pupils", "adults", "message", "status", "messages_pending"]
    list_select_related = ["school_class__school", "slot__offer", "booked_by"]
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
        for booking in queryset.select_related("slot__offer", "school_class"):
            try:
                service(booking=booking, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(count)d bookings changed.") % {"count": done}, messages.SUCCESS)

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
