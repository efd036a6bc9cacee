"""Feedback after an activity, and the catalogue of STEM initiatives.

Feedback is asked of the teacher and of the host by an e-mail link (no login): one use, and it
expires. A row is both the request and its answer."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TimeStampedModel
from core.tokens import token_hash

SCALE = (MinValueValidator(1), MaxValueValidator(5))
MAX_COMMENT = 2000


class Feedback(TimeStampedModel):
    """The feedback asked of one person about one activity that is over: a booking (a company
    visit, an expert visit, a teacher visit, or an adoption activity booked through bookings) or
    an adoption activity held without a booking (at school)."""

    class Respondent(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        HOST = "host", _("Host")

    class GoalsMet(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("booking"),
    )
    plan_activity = models.ForeignKey(
        "adoptions.PlanActivity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("adoption activity"),
    )
    respondent = models.CharField(_("respondent"), max_length=8, choices=Respondent.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_asked",
        verbose_name=_("asked"),
    )
    # The link: an HMAC of the nonce under SECRET_KEY (see link_token); only its hash is stored,
    # and answering blanks the nonce, so a link is used once.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    sent_at = models.DateTimeField(_("asked"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        _("no longer asked"), null=True, blank=True, help_text=_("For example, the class did not come.")
    )
    rating = models.PositiveSmallIntegerField(_("how it went (1–5)"), null=True, blank=True, validators=SCALE)
    goals_met = models.CharField(
        _("met the planned learning goals"), max_length=6, choices=GoalsMet.choices, blank=True
    )
    interest_before = models.PositiveSmallIntegerField(
        _("the pupils' interest before (1–5)"), null=True, blank=True, validators=SCALE
    )
    interest_after = models.PositiveSmallIntegerField(
        _("the pupils' interest after (1–5)"), null=True, blank=True, validators=SCALE
    )
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_COMMENT)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(booking__isnull=False, plan_activity__isnull=True)
                | Q(booking__isnull=True, plan_activity__isnull=False),
                name="feedback_about_one_activity",
            ),
            models.UniqueConstraint(
                fields=["booking", "respondent"], condition=Q(booking__isnull=False), name="feedback_booking_once"
            ),
            models.UniqueConstraint(
                fields=["plan_activity", "respondent"],
                condition=Q(plan_activity__isnull=False),
                name="feedback_activity_once",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_scale",
                )
                for name in ("rating", "interest_before", "interest_after")
            ),
        ]
        indexes = [models.Index(fields=["answered_at", "expires_at"], name="feedback_open")]

    def __str__(self) -> str:
        return f"{self.get_respondent_display()} – {self.booking_id or self.plan_activity_id}"

    def issue_link(self) -> None:
        """Give the request a new link (an old one stops working); save afterwards. Needs a pk."""
        self.link_nonce = secrets.token_hex(16)
        self.token_hash = token_hash(self.link_token())

    def link_token(self) -> str:
        """The token in the e-mail's link; "" once answered or withdrawn."""
        if not self.link_nonce:
            return ""
        return salted_hmac("overview.feedback", f"{self.pk}:{self.link_nonce}", algorithm="sha256").hexdigest()


class TargetGroup(BilingualNameMixin):
    """Who an initiative is for: primary school, youth education, teachers, higher education,
    employed, unemployed."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Initiative(TimeStampedModel):
    """A STEM initiative beside the bookable offers: what exists in the region and the country,
    and, once ended, what it learnt, so that it is not lost."""

    class Geography(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")

    class Kind(models.TextChoices):
        INSPIRATION = "inspiration", _("Inspiration")
        COURSE = "course", _("Course")
        DEVELOPMENT = "development", _("Development project")
        COMPETITION = "competition", _("Competition")

    name = models.CharField(_("name"), max_length=200, unique=True)
    owner = models.CharField(_("owner"), max_length=500)
    geography = models.CharField(_("geography"), max_length=8, choices=Geography.choices)
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("For a regional initiative, for example Nordjylland.")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="initiatives", verbose_name=_("target groups")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True)
    stem_focus = models.CharField(_("STEM focus"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    lessons = models.TextField(
        _("what it learnt"), blank=True, max_length=4000, help_text=_("Kept visible after the initiative has ended.")
    )
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="initiative_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Encounter(models.Model):
    """One row of the dashboard's summary table: a booking (a company, expert or teacher visit,
    or an adoption activity booked through bookings) or an adoption activity held without a
    booking, with everything the figures group and filter by, copied in when the year's facts
    are refreshed (overview.facts). Plain columns, no foreign keys: the table is rebuilt from
    the domains, never edited, and a figure reads it without a join."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        CONFIRMED = "confirmed", _("Confirmed")
        REQUESTED = "requested", _("Awaiting the host")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    # A class is reached by an encounter that took place or is confirmed to take place.
    REACHED = (Status.HELD.value, Status.CONFIRMED.value)

    school_year = models.PositiveSmallIntegerField(_("school year"))
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("First day, in Copenhagen."))
    kind = models.CharField(_("kind"), max_length=20)
    is_adoption = models.BooleanField(_("adoption activity"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    booking_id = models.IntegerField(_("booking"), null=True, blank=True)
    plan_activity_id = models.IntegerField(_("adoption activity"), null=True, blank=True)
    adoption_id = models.IntegerField(_("adoption"), null=True, blank=True)
    class_id = models.IntegerField(_("class"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    pupils = models.PositiveSmallIntegerField(_("pupils"), default=0)
    school_id = models.IntegerField(_("school"), null=True, blank=True)
    school_kind = models.CharField(_("school kind"), max_length=20, blank=True)
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"), null=True, blank=True)
    company_id = models.IntegerField(_("company"), null=True, blank=True)
    company_sector = models.CharField(_("company's sector"), max_length=30, blank=True)
    strength = models.CharField(
        _("business strength"),
        max_length=30,
        blank=True,
        help_text=_("The first sector the offer names (a private adoption offer names the company's)."),
    )
    teacher_rating = models.PositiveSmallIntegerField(_("teacher's rating"), null=True, blank=True)
    host_rating = models.PositiveSmallIntegerField(_("host's rating"), null=True, blank=True)
    goals_met = models.CharField(_("met the learning goals"), max_length=6, blank=True)
    interest_before = models.PositiveSmallIntegerField(_("interest before"), null=True, blank=True)
    interest_after = models.PositiveSmallIntegerField(_("interest after"), null=True, blank=True)

    class Meta:
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        indexes = [
            models.Index(fields=["school_year", "municipality_code"], name="encounter_year_area"),
            models.Index(fields=["class_id", "school_year", "status"], name="encounter_class"),
            models.Index(fields=["adoption_id"], condition=Q(adoption_id__isnull=False), name="encounter_adoption"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.kind} {self.status}"


class ClassReach(models.Model):
    """One row per class and school year of the dashboard's summary: the class as the figures
    group it, and what its encounters of that year (overview.models.Encounter) came to. Rebuilt
    with the year's encounters; the figures about classes read this small table, not the
    encounters."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    class_id = models.IntegerField(_("class"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    pupils = models.PositiveSmallIntegerField(_("pupils"))
    school_id = models.IntegerField(_("school"))
    school_kind = models.CharField(_("school kind"), max_length=20)
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"))
    encounters = models.PositiveIntegerField(
        _("encounters"), default=0, help_text=_("Held or confirmed, of the school year.")
    )
    reached_pupils = models.PositiveSmallIntegerField(
        _("pupils reached"), default=0, help_text=_("The most pupils of one of its encounters; 0 if not reached.")
    )
    adopted = models.BooleanField(_("adopted"), default=False)
    adoption_activities = models.PositiveIntegerField(_("adoption activities"), default=0)
    target_activities = models.PositiveSmallIntegerField(_("target (activities)"), null=True, blank=True)

    class Meta:
        verbose_name = _("class reached")
        verbose_name_plural = _("classes reached")
        indexes = [models.Index(fields=["school_year", "municipality_code"], name="classreach_year_area")]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "class_id"], name="classreach_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.class_id}: {self.encounters}"


class FactsRefresh(models.Model):
    """When a school year's encounters were last rebuilt, and how many rows that made."""

    school_year = models.PositiveSmallIntegerField(_("school year"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-school_year"]
        verbose_name = _("facts refresh")
        verbose_name_plural = _("facts refreshes")

    def __str__(self) -> str:
        return f"{self.school_year}: {self.refreshed_at:%Y-%m-%d %H:%M}"


# The encounters' totals ----------------------------------------------------------------------
#
# Rebuilt with the year's encounters (overview.facts), each at the coarsest grain a figure groups
# by, within the municipality (every area is a set of municipalities): a figure sums a few
# thousand of these rows instead of aggregating the year's hundred thousand encounters. They
# hold sums and counts, never averages, so every average a figure shows stays exact.


class ActivityTotal(models.Model):
    """The activities that count (held or confirmed) of a municipality, month and business
    strength in a school year."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"), null=True, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    strength = models.CharField(_("business strength"), max_length=30, blank=True)
    activities = models.PositiveIntegerField(_("activities"))

    class Meta:
        verbose_name = _("activities total")
        verbose_name_plural = _("activities totals")
        indexes = [models.Index(fields=["school_year", "municipality_code"], name="activitytotal_year_area")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.municipality_code} {self.month} {self.strength}: {self.activities}"


class FeedbackTotal(models.Model):
    """The answered feedback on a municipality's encounters of a kind in a school year, as
    counts and sums (an average is a sum over a count)."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    is_adoption = models.BooleanField(_("adoption activity"), default=False)
    answers = models.PositiveIntegerField(_("teachers' ratings"))
    teacher_sum = models.PositiveIntegerField(_("sum of the teachers' ratings"), null=True)
    host_n = models.PositiveIntegerField(_("hosts' ratings"))
    host_sum = models.PositiveIntegerField(_("sum of the hosts' ratings"), null=True)
    goals_n = models.PositiveIntegerField(_("answers on the learning goals"))
    goals_yes = models.PositiveIntegerField(_("learning goals met"))
    before_n = models.PositiveIntegerField(_("answers on interest before"))
    before_sum = models.PositiveIntegerField(_("sum of interest before"), null=True)
    after_n = models.PositiveIntegerField(_("answers on interest after"))
    after_sum = models.PositiveIntegerField(_("sum of interest after"), null=True)

    class Meta:
        verbose_name = _("feedback total")
        verbose_name_plural = _("feedback totals")
        indexes = [models.Index(fields=["school_year", "municipality_code"], name="feedbacktotal_year_area")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.municipality_code} {self.kind}: {self.answers}"


class SectorReach(models.Model):
    """The classes of a municipality reached by companies of a sector in a school year, and their
    pupils (each class's largest encounter with the sector). A class belongs to one school, so
    one municipality: summed over municipalities, a class still counts once per sector."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"), null=True, blank=True)
    company_sector = models.CharField(_("company's sector"), max_length=30, blank=True)
    classes = models.PositiveIntegerField(_("classes"))
    pupils = models.PositiveIntegerField(_("pupils"))

    class Meta:
        verbose_name = _("sector reach")
        verbose_name_plural = _("sector reach")
        indexes = [models.Index(fields=["school_year", "municipality_code"], name="sectorreach_year_area")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.municipality_code} {self.company_sector}: {self.classes}"


class BookingTotal(models.Model):
    """A school's bookings in a school year (company_id empty), or a company's bookings with the
    schools of a municipality (school_id empty): all of them, the no-shows and the cancellations."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    municipality_code = models.PositiveSmallIntegerField(_("municipality code"), null=True, blank=True)
    school_id = models.IntegerField(_("school"), null=True, blank=True)
    company_id = models.IntegerField(_("company"), null=True, blank=True)
    bookings = models.PositiveIntegerField(_("bookings"))
    no_shows = models.PositiveIntegerField(_("no-shows"))
    cancelled = models.PositiveIntegerField(_("cancellations"))

    class Meta:
        verbose_name = _("bookings total")
        verbose_name_plural = _("bookings totals")
        indexes = [models.Index(fields=["school_year", "municipality_code"], name="bookingtotal_year_area")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.municipality_code} {self.school_id or self.company_id}: {self.bookings}"
