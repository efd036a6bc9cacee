"""The outbox and the calendar feeds.

Every e-mail is a row in `OutgoingMessage`, written in the same transaction as the change
that causes it (or deferred by its domain and written at the start of a delivery pass, as a
new booking's are). A row names what it is about by a subject key ("booking:42"); its kind
and the recipient's role are the domain's words. A django-q2 schedule delivers what is due:
it claims a row with a conditional UPDATE (so two workers never send the same row), has the
subject's domain render it from the subject as it is now (notifications/registry.py), sends
it outside any transaction and records the outcome on the row.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.tokens import token_hash
from schools.models import School, SchoolClass


class OutgoingMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    subject_key = models.CharField(
        _("about"), max_length=100, help_text=_("What the message is about, as type:id, e.g. booking:42.")
    )
    role = models.CharField(_("recipient's role"), max_length=20)
    recipient_email = models.EmailField(_("recipient e-mail"))
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, default="da")
    sequence = models.PositiveIntegerField(_("calendar sequence"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("e-mail subject"), max_length=300, blank=True)
    context = models.JSONField(
        _("context"),
        default=dict,
        blank=True,
        help_text=_("What the domain kept from the change for the message to tell, such as a time before a move."),
    )
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        unique=True,
        help_text=_("The same change saved twice produces the same key, and so one message."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["subject_key", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} → {self.recipient_email}"


def new_feed_token() -> str:
    """An unguessable feed token (256 bits), for a feed's address."""
    return secrets.token_urlsafe(32)


# What is stored of a feed's token, so that a copy of the database opens no feed.
feed_token_hash = token_hash


class CalendarFeed(models.Model):
    """A private, subscribable calendar: of a teacher's visits, a class's, a company's or a
    company member's. A class's feed is shared by the teachers of its school and a company's
    by its members; each of them reads it through an address of their own
    (CalendarSubscription)."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        SCHOOL_CLASS = "class", _("Class")
        COMPANY = "company", _("Company")
        MEMBER = "member", _("Company member")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user"], condition=Q(kind__in=["teacher", "member"]), name="one_feed_per_person"
            ),
            models.UniqueConstraint(fields=["school_class"], name="one_feed_per_class"),
            models.UniqueConstraint(fields=["company"], name="one_feed_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user or self.school_class or self.company}"

    @property
    def is_shared(self) -> bool:
        return self.kind in (self.Kind.SCHOOL_CLASS, self.Kind.COMPANY)


class CalendarSubscription(models.Model):
    """One person's own address of a feed: the token in it is the only key, and only its
    SHA-256 is stored, so the address is shown once, when it is made. It answers only while
    its holder is active and still teaches at `school` (a teacher's or a class's feed) or
    still works for the company (a company's or a member's feed), which is checked at every
    request (notifications.selectors.subscription_for_token). Resetting it replaces this row's
    token and no one else's.

    A row without a holder is a class's or company's address from before addresses were
    personal, shared by everyone who had it: it keeps working until someone who may read the
    feed stops it."""

    feed = models.ForeignKey(CalendarFeed, on_delete=models.CASCADE, related_name="subscriptions")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_subscriptions",
        verbose_name=_("holder"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
        help_text=_("Where the holder taught when the address was made; it stops working if they move."),
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reset_at = models.DateTimeField(_("token reset"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "holder"], condition=Q(holder__isnull=False), name="one_address_per_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feed} – {self.holder or _('shared address')}"
