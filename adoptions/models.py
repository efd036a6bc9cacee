"""Class adoptions on the Ballerup–Siemens model: a company adopts an 8th-grade class and follows
it into 9th grade; a consultant's adoption round collects company capacity and class wishes, a
matching run proposes pairs, the consultant adjusts with reasons and accepts; each adoption has an
annual plan of activities tied to the class's learning goals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.dates import school_year_label
from core.models import LearningGoal, MatchingRun, Municipality, Sector, TimeStampedModel
from core.validators import validate_date_in_range
from schools.models import Grade, School, SchoolClass

# Domain bounds, also within what each column stores.
MAX_ADOPTED_CLASSES = 50  # classes one company adopts in one round
MAX_TRAVEL_KM = 500  # Skagen to Gedser is about 450 km
MAX_ACTIVITIES_PER_MONTH = 100
MAX_WISHES = 5  # ranked choices a class gives
MAX_WEIGHT = 1000  # a priority's weight, in kilometres of travel it outweighs
MAX_TARGET_ACTIVITIES = 30
DEFAULT_TARGET_ACTIVITIES = 10


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


ALL_WEEKDAYS = [day.value for day in Weekday]


class AdoptionRound(TimeStampedModel):
    """A consultant's yearly round for an area: adoptions for one school year."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting capacity and wishes")
        MATCHING = "matching", _("Matching")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The school year the adoptions run: 2027 means 2027/28."),
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="adoption_rounds", verbose_name=_("area (municipalities)")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    wishes_deadline = models.DateField(
        _("deadline for capacity and wishes"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # Priorities: who is adopted first when capacity is short. Each weight is a bonus on the
    # class's pairs in kilometres of travel; they only choose among equally many adoptions.
    outlying_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="+",
        verbose_name=_("outlying municipalities"),
        help_text=_("Schools here get the outlying-municipality priority."),
    )
    grey_zone_schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="+",
        verbose_name=_("grey-zone schools"),
        help_text=_('Schools flagged for "grey zone" pupils, who are unsure of any education after school.'),
    )
    weight_outlying = models.PositiveSmallIntegerField(
        _("weight: outlying municipality"), default=200, validators=[MaxValueValidator(MAX_WEIGHT)]
    )
    weight_never_adopted = models.PositiveSmallIntegerField(
        _("weight: class never adopted"), default=100, validators=[MaxValueValidator(MAX_WEIGHT)]
    )
    weight_grey_zone = models.PositiveSmallIntegerField(
        _("weight: grey-zone school"), default=300, validators=[MaxValueValidator(MAX_WEIGHT)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )

    class Meta:
        ordering = ["-school_year", "title"]
        verbose_name = _("adoption round")
        verbose_name_plural = _("adoption rounds")

    def __str__(self) -> str:
        return f"{self.title} {school_year_label(self.school_year)}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class CompanyCapacity(TimeStampedModel):
    """What a company offers in a round: how many classes, which grades, how far from its address,
    which weekdays, and how many activities a month across adoptions and ordinary visits."""

    round = models.ForeignKey(
        AdoptionRound, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("round")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="adoption_capacities", verbose_name=_("company")
    )
    classes = models.PositiveSmallIntegerField(
        _("classes to adopt"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ADOPTED_CLASSES)]
    )
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), choices=Grade.choices, default=Grade.G8)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), choices=Grade.choices, default=Grade.G9)
    max_travel_km = models.PositiveSmallIntegerField(
        _("longest distance (km)"),
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TRAVEL_KM)],
        help_text=_("How far from the company's address a school may be."),
    )
    weekdays = models.JSONField(
        _("weekdays that suit"), default=list, blank=True, help_text=_("Empty: any school day.")
    )
    activities_per_month = models.PositiveSmallIntegerField(
        _("activities a month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ACTIVITIES_PER_MONTH)],
        help_text=_("Across adoption activities and ordinary visits."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("company capacity")
        verbose_name_plural = _("company capacities")
        constraints = [
            models.UniqueConstraint(fields=["round", "company"], name="one_capacity_per_company_and_round"),
            models.CheckConstraint(condition=Q(grade_min__lte=F("grade_max")), name="capacity_grade_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.classes}"


class ClassWish(TimeStampedModel):
    """A class's wishes in a round: ranked companies or sectors, the longest travel, notes."""

    round = models.ForeignKey(AdoptionRound, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("round"))
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="adoption_wishes", verbose_name=_("class")
    )
    max_travel_km = models.PositiveSmallIntegerField(
        _("longest travel (km)"), default=40, validators=[MinValueValidator(1), MaxValueValidator(MAX_TRAVEL_KM)]
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["school_class__school__name", "school_class__name"]
        verbose_name = _("class wish")
        verbose_name_plural = _("class wishes")
        constraints = [
            models.UniqueConstraint(fields=["round", "school_class"], name="one_wish_per_class_and_round"),
        ]

    def __str__(self) -> str:
        return str(self.school_class)


class WishChoice(models.Model):
    """One ranked choice of a class: a company, or any company of a sector."""

    wish = models.ForeignKey(ClassWish, on_delete=models.CASCADE, related_name="choices", verbose_name=_("wish"))
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_WISHES)])
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("company")
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )

    class Meta:
        ordering = ["wish", "rank"]
        verbose_name = _("wish choice")
        verbose_name_plural = _("wish choices")
        constraints = [
            models.UniqueConstraint(fields=["wish", "rank"], name="one_choice_per_rank"),
            models.CheckConstraint(
                condition=Q(company__isnull=False, sector__isnull=True) | Q(company__isnull=True, sector__isnull=False),
                name="choice_is_company_or_sector",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=MAX_WISHES), name="choice_rank_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.company or self.sector}"


class PairRule(TimeStampedModel):
    """The consultant's override for a round: a class locked to a company, or a pair forbidden.
    Its reason is shown to the school and the company it concerns."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Forbidden")

    round = models.ForeignKey(
        AdoptionRound, on_delete=models.CASCADE, related_name="pair_rules", verbose_name=_("round")
    )
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+", verbose_name=_("class"))
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pair rule")
        verbose_name_plural = _("pair rules")
        constraints = [
            models.UniqueConstraint(fields=["round", "school_class", "company"], name="one_rule_per_pair"),
            # A class is locked to one company at most.
            models.UniqueConstraint(
                fields=["round", "school_class"], condition=Q(kind="lock"), name="one_lock_per_class"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="pair_rule_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.school_class} – {self.company}"


class MatchRun(MatchingRun):
    """One matching run of a round: its progress while it runs, then the proposal and the report
    (the optimum beside a greedy baseline on the same input)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        ACCEPTED = "accepted", _("Accepted")

    round = models.ForeignKey(AdoptionRound, on_delete=models.CASCADE, related_name="runs", verbose_name=_("round"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class ProposedPair(models.Model):
    """One class's outcome in a run: its company and why, or (no company) why it was left out."""

    class Basis(models.TextChoices):
        RENEWAL = "renewal", _("Renewal into 9th grade")
        LOCKED = "locked", _("Locked by the consultant")
        MATCHED = "matched", _("Matched")
        UNPLACED = "unplaced", _("Not adopted")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("run"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+", verbose_name=_("class"))
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("company")
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    wish_rank = models.PositiveSmallIntegerField(_("wish rank"), null=True, blank=True)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    priority_bonus = models.PositiveIntegerField(_("priority bonus"), default=0)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        ordering = ["run", "school_class__school__name", "school_class__name"]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        constraints = [
            models.UniqueConstraint(fields=["run", "school_class"], name="one_outcome_per_class_and_run"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} → {self.company or '—'}"


class Adoption(TimeStampedModel):
    """A company adopts a class for a school year. An 8th-grade adoption continues into 9th grade
    when the school and the company both confirm; the 9th-grade adoption is a new row for the
    class's next school year, pointing back at this one."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("class")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("company"))
    school_year = models.PositiveSmallIntegerField(
        _("school year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    round = models.ForeignKey(
        AdoptionRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("round"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    renewal_of = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewed_as",
        verbose_name=_("continues"),
    )
    # Roll-over into 9th grade: each side says yes or no; None until it has answered.
    school_wants_renewal = models.BooleanField(_("school wants to continue"), null=True, blank=True)
    company_wants_renewal = models.BooleanField(_("company wants to continue"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-school_year", "school_class__school__name", "school_class__name"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class"], condition=Q(status="active"), name="one_active_adoption_per_class"
            ),
        ]
        indexes = [models.Index(fields=["company", "school_year"]), models.Index(fields=["school_year", "status"])]

    def __str__(self) -> str:
        return f"{self.company} – {self.school_class}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def renewal_confirmed(self) -> bool:
        return bool(self.school_wants_renewal and self.company_wants_renewal)


class AnnualPlan(TimeStampedModel):
    """The adopted class's plan for its school year (årsplan)."""

    adoption = models.OneToOneField(Adoption, on_delete=models.CASCADE, related_name="plan", verbose_name=_("adoption"))
    target_activities = models.PositiveSmallIntegerField(
        _("target (activities)"),
        default=DEFAULT_TARGET_ACTIVITIES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_ACTIVITIES)],
    )
    goals_note = models.TextField(_("the class's learning goals"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")

    def __str__(self) -> str:
        return str(self.adoption)


class PlanActivity(TimeStampedModel):
    """One activity of an annual plan, with its three phases: preparation at school, the
    activity, the follow-up. A dated activity is booked through the booking rules."""

    class Kind(models.TextChoices):
        COMPANY_VISIT = "company_visit", _("Company visit")
        EXPERT_AT_SCHOOL = "expert_at_school", _("Expert at school")
        PROJECT = "project", _("Project")
        INTERNSHIP_DAY = "internship_day", _("Internship day")
        TEACHER_VISIT = "teacher_visit", _("Teacher visit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNED = "planned", _("Planned")
        BOOKED = "booked", _("Booked")
        DONE = "done", _("Done")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    planned_month = models.DateField(
        _("planned month"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("The first day of the month it is planned for."),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, validators=[validate_date_in_range])
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, validators=[validate_date_in_range])
    learning_goals = models.ManyToManyField(
        LearningGoal, blank=True, related_name="plan_activities", verbose_name=_("learning goals")
    )
    preparation = models.TextField(_("preparation at school"), blank=True, max_length=4000)
    description = models.TextField(_("the activity"), blank=True, max_length=4000)
    follow_up = models.TextField(_("follow-up"), blank=True, max_length=4000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.IDEA)
    booking = models.OneToOneField(
        "bookings.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_activity",
        verbose_name=_("booking"),
    )

    class Meta:
        ordering = ["plan", "planned_month", "starts_at", "id"]
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanChange(models.Model):
    """Who changed a plan, when, and what: teacher, host and consultant edit it together."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan"))
    activity = models.ForeignKey(
        PlanActivity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("activity"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Action(models.TextChoices):
        PLAN = "plan", _("Plan changed")
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        STATUS = "status", _("Status")
        BOOKED = "booked", _("Booked")
        RENEWAL = "renewal", _("Renewal answer")

    # What happened, kept as data so that each reader sees it in their own language;
    # `summary` is the same sentence as written then, for rows from before `action` existed.
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, blank=True)
    subject = models.CharField(_("activity title then"), max_length=200, blank=True)
    summary = models.CharField(_("change"), max_length=300)
    fields = models.JSONField(_("fields changed"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")

    def __str__(self) -> str:
        return self.description

    @property
    def description(self) -> str:
        """The change in the active language."""
        Action = self.Action
        if self.action == Action.PLAN:
            return gettext("Plan changed")
        if self.action in RECORD_TEMPLATES:
            return gettext(RECORD_TEMPLATES[self.action]) % self.subject
        if self.action == Action.STATUS and "status" in self.fields:
            old, new = self.fields["status"]
            return gettext("“%(title)s”: %(old)s → %(new)s") % {
                "title": self.subject,
                "old": PlanActivity.Status(old).label,
                "new": PlanActivity.Status(new).label,
            }
        if self.action == Action.RENEWAL and self.fields:
            field, (_old, wants) = next(iter(self.fields.items()))
            return gettext(RENEWAL_TEMPLATES[(field, bool(wants))])
        return self.summary


# The sentences of the plan's history, marked for translation and translated when read.
RECORD_TEMPLATES = {
    PlanChange.Action.ADDED: gettext_noop("Added “%s”"),
    PlanChange.Action.CHANGED: gettext_noop("Changed “%s”"),
    PlanChange.Action.DELETED: gettext_noop("Deleted “%s”"),
    PlanChange.Action.BOOKED: gettext_noop("Booked “%s”"),
}
RENEWAL_TEMPLATES = {
    ("school_wants_renewal", True): gettext_noop("The school wants to continue into 9th grade"),
    ("school_wants_renewal", False): gettext_noop("The school does not want to continue into 9th grade"),
    ("company_wants_renewal", True): gettext_noop("The company wants to continue into 9th grade"),
    ("company_wants_renewal", False): gettext_noop("The company does not want to continue into 9th grade"),
}
