from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from companies.models import Company, CompanyMember, RoleModel
from core.models import Sector, Subject, TimeStampedModel
from core.validators import IntegerListRangeValidator, validate_date_in_range
from schools.models import MAX_CLASS_PUPILS, Grade, School, SchoolClass, Teacher

# Domain bounds. They also keep every number within its column (a PositiveSmallIntegerField
# holds at most 32767 on PostgreSQL) and every computed date within the calendar.
MAX_DEADLINE_HOURS = 24 * 365
MAX_CLASSES_PER_SLOT = 50
MAX_PUPILS_PER_SLOT = 1000
MAX_ADULTS_PER_BOOKING = 20
MAX_REMINDER_DAYS = 60


def grade_accepted(grade: int, *, grade_min: int, grade_max: int) -> bool:
    """Who an offer is for: a class whose grade lies in the offer's range, both ends included.
    The one rule for bookings, the booking hot path (which reads the range as plain columns)
    and the searches (`grade_accepted_q`, the same rule as a query condition)."""
    return grade_min <= grade <= grade_max


def grade_accepted_q(grade: int, *, offer: str = "") -> Q:
    """`grade_accepted` as a condition on offers; `offer` is the path to the offer from another
    model, e.g. "offer__" for slots."""
    return Q(**{f"{offer}grade_min__lte": grade, f"{offer}grade_max__gte": grade})


class Offer(TimeStampedModel):
    """What a company offers schools."""

    class Kind(models.TextChoices):
        COMPANY_VISIT = "company_visit", _("Company visit")
        EXPERT_VISIT = "expert_visit", _("Expert visit")
        TEACHER_VISIT = "teacher_visit", _("Teacher visit")

    # What a company writes about an offer, in the order people are asked for it; the company
    # only when the offer is created, as an offer cannot change hands. The API and the offer
    # form are both made of these.
    EDITABLE_FIELDS = (
        "company",
        "kind",
        "title",
        "description",
        "subjects",
        "sectors",
        "grade_min",
        "grade_max",
        "location",
        "meeting_point",
        "practical_notes",
        "duration_minutes",
        "default_capacity_classes",
        "default_capacity_pupils",
        "auto_confirm",
        "waitlist_enabled",
        "booking_deadline_hours",
        "cancellation_deadline_hours",
        "allow_holidays",
        "reminder_days",
        "contact",
        "is_published",
    )

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="offers", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    subjects = models.ManyToManyField(Subject, blank=True, related_name="offers", verbose_name=_("STEM subjects"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="offers", verbose_name=_("sectors"))
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), choices=Grade.choices, default=Grade.G7)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), choices=Grade.choices, default=Grade.G9)
    location = models.CharField(
        _("location"), max_length=300, blank=True, help_text=_("Leave empty to use the company's address.")
    )
    meeting_point = models.CharField(_("meeting point"), max_length=300, blank=True)
    practical_notes = models.TextField(
        _("practical notes"), blank=True, help_text=_("Transport, safety rules, shoes, photos, allergies.")
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=120, validators=[MinValueValidator(15), MaxValueValidator(60 * 24 * 5)]
    )
    default_capacity_classes = models.PositiveSmallIntegerField(
        _("classes per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_CLASSES_PER_SLOT)]
    )
    default_capacity_pupils = models.PositiveSmallIntegerField(
        _("pupils per slot"), default=30, validators=[MinValueValidator(1), MaxValueValidator(MAX_PUPILS_PER_SLOT)]
    )
    auto_confirm = models.BooleanField(
        _("confirm automatically"), default=False, help_text=_("Otherwise the company confirms each request.")
    )
    waitlist_enabled = models.BooleanField(_("waitlist"), default=True)
    booking_deadline_hours = models.PositiveIntegerField(
        _("booking deadline (hours before start)"), default=72, validators=[MaxValueValidator(MAX_DEADLINE_HOURS)]
    )
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("cancellation deadline (hours before start)"), default=48, validators=[MaxValueValidator(MAX_DEADLINE_HOURS)]
    )
    allow_holidays = models.BooleanField(
        _("bookable on holidays"), default=False, help_text=_("Allow slots on Danish public and school holidays.")
    )
    contact = models.ForeignKey(
        CompanyMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("contact person"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # A class adoption's own offer (bookings.services.private_booking_create): its one-class
    # slots are booked for an adopted class only, so it is never published in the catalogue.
    is_private = models.BooleanField(_("private (class adoption activities)"), default=False, editable=False)
    reminder_days = models.CharField(
        _("reminders (days before)"),
        max_length=30,
        blank=True,
        validators=[validate_comma_separated_integer_list, IntegerListRangeValidator(0, MAX_REMINDER_DAYS)],
        help_text=_("For example 7,1. Leave empty for the installation's default."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(grade_min__lte=F("grade_max")), name="offer_grade_range_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return self.location or self.company.full_address

    def accepts_grade(self, grade: int) -> bool:
        return grade_accepted(grade, grade_min=self.grade_min, grade_max=self.grade_max)


class SlotSeries(TimeStampedModel):
    """The recurrence rule that generated a set of slots, kept so a host can see and extend it."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="series", verbose_name=_("offer"))
    rrule = models.CharField(_("recurrence rule"), max_length=500, help_text=_("RFC 5545, e.g. FREQ=WEEKLY;BYDAY=TU"))
    exdates = models.JSONField(_("exceptions"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("slot series")
        verbose_name_plural = _("slot series")

    def __str__(self) -> str:
        return f"{self.offer}: {self.rrule}"


class Slot(TimeStampedModel):
    """A dated occurrence of an offer. `booked_classes` and `booked_pupils` are the places held
    by requested and confirmed bookings; they change only through conditional UPDATEs in
    bookings.services and the database refuses any value above capacity."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="slots", verbose_name=_("offer"))
    series = models.ForeignKey(
        SlotSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots", verbose_name=_("series")
    )
    start = models.DateTimeField(_("start"), validators=[validate_date_in_range])
    end = models.DateTimeField(_("end"), validators=[validate_date_in_range])
    booking_deadline = models.DateTimeField(_("booking deadline"), validators=[validate_date_in_range])
    capacity_classes = models.PositiveSmallIntegerField(
        _("capacity (classes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CLASSES_PER_SLOT)]
    )
    capacity_pupils = models.PositiveSmallIntegerField(
        _("capacity (pupils)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PUPILS_PER_SLOT)]
    )
    booked_classes = models.PositiveSmallIntegerField(_("booked classes"), default=0, editable=False)
    booked_pupils = models.PositiveSmallIntegerField(_("booked pupils"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    role_models = models.ManyToManyField(RoleModel, blank=True, related_name="slots", verbose_name=_("role models"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        indexes = [models.Index(fields=["offer", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity_classes__gte=1), name="slot_capacity_classes_positive"),
            models.CheckConstraint(condition=Q(capacity_pupils__gte=1), name="slot_capacity_pupils_positive"),
            models.CheckConstraint(
                condition=Q(booked_classes__gte=0, booked_classes__lte=F("capacity_classes")),
                name="slot_classes_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(booked_pupils__gte=0, booked_pupils__lte=F("capacity_pupils")),
                name="slot_pupils_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        # Stored in UTC: the name shows Copenhagen time, written as the active language writes it.
        return f"{self.offer} {date_format(timezone.localtime(self.start), 'SHORT_DATETIME_FORMAT')}"

    @property
    def free_classes(self) -> int:
        return self.capacity_classes - self.booked_classes

    @property
    def free_pupils(self) -> int:
        return self.capacity_pupils - self.booked_pupils

    @property
    def is_full(self) -> bool:
        return self.free_classes <= 0 or self.free_pupils <= 0


class BookingQuerySet(models.QuerySet):
    def waitlist_of(self, slot: "int | Slot | OuterRef") -> "BookingQuerySet":
        """The slot's waitlisted bookings in the order they get freed places."""
        return self.filter(slot=slot, status=Booking.Status.WAITLISTED).order_by(*Booking.WAITLIST_ORDER)

    def with_waitlist_position(self) -> "BookingQuerySet":
        """Annotate `position`: a waitlisted booking's place in its slot's queue (1 = next to
        get a free place), counted over the whole waitlist, not only the bookings in this
        query, so a teacher who sees only their own bookings still sees their true place."""
        ahead = (
            Booking.objects.waitlist_of(OuterRef("slot"))
            .filter(_no_later_than_outer(Booking.WAITLIST_ORDER))
            .order_by()
            .values("slot")
            .annotate(n=Count("id"))
            .values("n")
        )
        return self.annotate(position=Coalesce(Subquery(ahead), 0))


def _no_later_than_outer(order: tuple[str, ...]) -> Q:
    """Rows that come no later than the outer query's row in `order` (a lexicographic <=)."""
    last = order[-1]
    condition = Q(**{f"{last}__lte": OuterRef(last)})
    for field in reversed(order[:-1]):
        condition = Q(**{f"{field}__lt": OuterRef(field)}) | (Q(**{field: OuterRef(field)}) & condition)
    return condition


class Booking(TimeStampedModel):
    """A class's claim on a slot; on a teacher visit, a teacher's own claim (no class, no
    pupils: the teacher is the one adult, and each teacher takes one of the slot's places
    counted in `capacity_classes`)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting the host")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    HOLDING_PLACE = (Status.REQUESTED, Status.CONFIRMED)
    # What a slot's counters add up: places held, and places of visits marked as held or missed
    # (marking attendance leaves the place taken; services/attendance.py).
    COUNTED_IN_SLOT = (*HOLDING_PLACE, Status.COMPLETED, Status.NO_SHOW)
    ACTIVE = (Status.REQUESTED, Status.CONFIRMED, Status.WAITLISTED)
    # The waitlist's queue: first come, first served; the id breaks ties of the same instant.
    WAITLIST_ORDER = ("created_at", "id")

    # No single-column indexes on slot and class: the (slot, status) and (class, status) indexes
    # below serve those lookups, and every index is one more write per booking.
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"), db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("class"),
        db_index=False,
    )
    teacher = models.ForeignKey(
        Teacher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teacher_visits",
        verbose_name=_("teacher"),
        help_text=_("On a teacher visit: the teacher who comes. Empty on a class's booking."),
        db_index=False,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_made", verbose_name=_("booked by")
    )
    pupils = models.PositiveSmallIntegerField(_("pupils"), validators=[MaxValueValidator(MAX_CLASS_PUPILS)])
    adults = models.PositiveSmallIntegerField(
        _("adults"), default=1, validators=[MaxValueValidator(MAX_ADULTS_PER_BOOKING)]
    )
    message = models.TextField(_("message to the host"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    invite_sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("SEQUENCE of the last calendar invite or cancellation; empty if never invited."),
    )
    messages_pending = models.BooleanField(
        _("messages not yet written"),
        default=False,
        editable=False,
        help_text=_(
            "A new booking's e-mails are written to the outbox by the delivery task within about a "
            "second, or by the booking's next change if that comes first."
        ),
    )
    messages_error = models.TextField(
        _("messages error"),
        blank=True,
        db_default="",  # booking_sql.insert_booking leaves it out
        editable=False,
        help_text=_(
            "Why the new booking's e-mails could not be written. They are not tried again; the "
            "booking's next change writes its own e-mails."
        ),
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["slot", "status"]),
            models.Index(fields=["school_class", "status"]),
            models.Index(fields=["id"], condition=Q(messages_pending=True), name="booking_messages_pending"),
            # Partial, so a class's booking (no teacher) writes nothing to it.
            models.Index(
                fields=["teacher", "status"], condition=Q(teacher__isnull=False), name="booking_teacher_status"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "school_class"],
                condition=Q(status__in=["requested", "confirmed", "waitlisted"]),
                name="one_active_booking_per_class_and_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "teacher"],
                condition=Q(status__in=["requested", "confirmed", "waitlisted"], teacher__isnull=False),
                name="one_active_booking_per_teacher_and_slot",
            ),
            # A class with its pupils, or (a teacher visit) a teacher and no pupils. That a
            # teacher is booked only on a teacher visit is checked by the service; older
            # teacher-visit bookings made for a class stay valid.
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, teacher__isnull=True, pupils__gte=1)
                | Q(school_class__isnull=True, teacher__isnull=False, pupils=0),
                name="booking_for_class_or_teacher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.slot}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING_PLACE

    @property
    def is_for_teacher(self) -> bool:
        """Booked for a teacher, not a class."""
        return self.school_class_id is None

    @property
    def participant(self) -> str:
        """Who comes: the class's name, or on a teacher visit the teacher's name."""
        if self.is_for_teacher:
            return self.teacher.user.get_full_name() or self.teacher.user.username
        return self.school_class.name

    @property
    def school(self) -> School:
        """The school whose class or teacher comes."""
        return self.teacher.school if self.is_for_teacher else self.school_class.school

    @property
    def school_pk(self) -> int:
        return self.teacher.school_id if self.is_for_teacher else self.school_class.school_id


class BookingEvent(models.Model):
    """One recorded change of a booking: who did what, when."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WAITLISTED = "waitlisted", _("Waitlisted")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        MOVED = "moved", _("Moved")
        EXPIRED = "expired", _("Expired unanswered")
        ATTENDED = "attended", _("Marked as attended")
        NO_SHOW = "no_show", _("Marked as no-show")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from status"), max_length=12, blank=True, choices=Booking.Status.choices)
    to_status = models.CharField(_("to status"), max_length=12, choices=Booking.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {date_format(timezone.localtime(self.at), 'SHORT_DATETIME_FORMAT')}"


class SlotCounterCheck(models.Model):
    """One run of the periodic check that every slot's counters (booked classes and pupils)
    equal what its requested and confirmed bookings add up to (bookings.services.
    slot_counters_check, hourly). The counters are kept by conditional UPDATEs beside each
    booking change; a disagreement means a change went around the services (a hand-made SQL
    fix, a restored backup, a bug) and the slot may be offered over or under its capacity.
    Runs are kept for a month; the admin shows the last one on the slot list."""

    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    disagreeing = models.PositiveIntegerField(_("slots whose counters disagree"))
    details = models.JSONField(
        _("details"),
        default=list,
        blank=True,
        help_text=_("Each disagreeing slot: its counters and what its bookings add up to."),
    )

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("slot counter check")
        verbose_name_plural = _("slot counter checks")

    def __str__(self) -> str:
        return date_format(timezone.localtime(self.checked_at), "SHORT_DATETIME_FORMAT")
