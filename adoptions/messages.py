"""What an accepted matching tells whom, and how those e-mails read.

Accepting a run (adoptions.services.runs.run_accept) writes, inside its transaction, one
message per teacher of the class's school and per member of the company, keyed
"adoption:<id>" in notifications' outbox. Where the consultant's pair rule concerned the
recipient's class or company, the e-mail quotes its reason: every override is visible to the
school and the company it concerns. Notifications delivers them through the functions
registered in adoptions/apps.py: `adoption_for_message`, `is_current` and `render`.

A class the accepted run left without a company has no adoption to name: its teachers' e-mail
("unplaced:<proposed pair id>") says why it was left out and what can still happen, through
`pair_for_message`, `unplaced_is_current` and `render_unplaced`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoptions.models import Adoption, PairRule, ProposedPair
from companies.models import CompanyMember
from core.sites import site_url
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from notifications.rendering import compose
from notifications.services import Message, Recipient, messages_enqueue
from schools.models import Teacher

SUBJECT_TYPE = "adoption"
UNPLACED_SUBJECT_TYPE = "unplaced"


class Kind(models.TextChoices):
    ADOPTED = "adopted", gettext_lazy("Class adopted")
    RENEWED = "renewed", gettext_lazy("Adoption continues")
    UNPLACED = "unplaced", gettext_lazy("Class not adopted")


class Role(models.TextChoices):
    TEACHER = "teacher", gettext_lazy("Teacher")
    HOST = "host", gettext_lazy("Host")


def adoption_subject_key(adoption_id: int) -> str:
    return subject_key(SUBJECT_TYPE, adoption_id)


@dataclass(frozen=True)
class People:
    """Who hears of adoptions: teachers by school and company members by company, each in
    their language; read once for a whole accepted run (`people_of`)."""

    teachers: dict[int, list[Recipient]]
    members: dict[int, list[Recipient]]

    def of(self, adoption: Adoption) -> list[Recipient]:
        people = self.teachers.get(adoption.school_class.school_id, []) + self.members.get(adoption.company_id, [])
        return [person for person in people if person.email]

    def teachers_of(self, school_id: int) -> list[Recipient]:
        return [person for person in self.teachers.get(school_id, []) if person.email]


def people_of(*, school_ids: Iterable[int], company_ids: Iterable[int]) -> People:
    """The teachers of the schools and the members of the companies, in two queries."""
    teachers, members = defaultdict(list), defaultdict(list)
    for teacher in Teacher.objects.filter(school_id__in=list(school_ids)).select_related("user").order_by("id"):
        user = teacher.user
        teachers[teacher.school_id].append(Recipient(Role.TEACHER, user.email, user.get_full_name(), user.language))
    for member in CompanyMember.objects.filter(company_id__in=list(company_ids)).select_related("user").order_by("id"):
        user = member.user
        members[member.company_id].append(Recipient(Role.HOST, user.email, user.get_full_name(), user.language))
    return People(teachers=dict(teachers), members=dict(members))


def _rules_for(adoption: Adoption, rules: Iterable[PairRule], role: str) -> list[dict]:
    """The pair rules that concern the recipient's side: the class's for a teacher, the
    company's for a host; kept on the message as they were at acceptance."""
    concerns = (
        (lambda rule: rule.school_class_id == adoption.school_class_id)
        if role == Role.TEACHER
        else (lambda rule: rule.company_id == adoption.company_id)
    )
    return [
        {"kind": rule.kind, "class": str(rule.school_class), "company": str(rule.company), "reason": rule.reason}
        for rule in rules
        if concerns(rule)
    ]


def adoption_messages_enqueue(
    *, adoption: Adoption, basis: str, rules: Iterable[PairRule], people: People, now: dt.datetime
) -> None:
    """Tell the class's teachers and the company's members about the new adoption."""
    kind = Kind.RENEWED if basis == ProposedPair.Basis.RENEWAL else Kind.ADOPTED
    rules = list(rules)
    messages = [
        Message(
            kind=kind,
            recipient=person,
            due_at=now,
            dedup_key=f"{kind}:{adoption.pk}:{person.email}",
            context={"rules": _rules_for(adoption, rules, person.role)},
        )
        for person in people.of(adoption)
    ]
    if messages:
        messages_enqueue(subject_key=adoption_subject_key(adoption.pk), messages=messages, now=now)


def unplaced_subject_key(pair_id: int) -> str:
    return subject_key(UNPLACED_SUBJECT_TYPE, pair_id)


def unplaced_messages_enqueue(
    *, pair: ProposedPair, rules: Iterable[PairRule], people: People, now: dt.datetime
) -> None:
    """Tell the teachers of a class the accepted run left without a company, one message each;
    the forbidden pairs that concerned the class are kept on it as they were at acceptance."""
    concerned = [
        {"kind": rule.kind, "class": str(rule.school_class), "company": str(rule.company), "reason": rule.reason}
        for rule in rules
        if rule.kind == PairRule.Kind.FORBID and rule.school_class_id == pair.school_class_id
    ]
    messages = [
        Message(
            kind=Kind.UNPLACED,
            recipient=person,
            due_at=now,
            dedup_key=f"{Kind.UNPLACED}:{pair.pk}:{person.email}",
            context={"rules": concerned},
        )
        for person in people.teachers_of(pair.school_class.school_id)
    ]
    if messages:
        messages_enqueue(subject_key=unplaced_subject_key(pair.pk), messages=messages, now=now)


# Delivering ----------------------------------------------------------------------------------


def adoption_for_message(pk: str) -> Adoption | None:
    return (
        Adoption.objects.select_related("school_class__school", "company", "round", "plan").filter(pk=int(pk)).first()
    )


def is_current(message: OutgoingMessage, adoption: Adoption) -> bool:
    """News of an adoption that has ended since is no longer true."""
    return adoption.status == Adoption.Status.ACTIVE


RULE_LINES = {
    PairRule.Kind.LOCK: gettext_lazy("The consultant placed %(class)s with %(company)s: %(reason)s"),
    PairRule.Kind.FORBID: gettext_lazy("The consultant ruled out %(class)s with %(company)s: %(reason)s"),
}


def _note(message: OutgoingMessage) -> str:
    rules = (message.context or {}).get("rules", [])
    return "\n".join(str(RULE_LINES[rule["kind"]]) % rule for rule in rules if rule.get("kind") in RULE_LINES)


def render(message: OutgoingMessage, adoption: Adoption) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language: the pair, the school year, and the reasons of
    the consultant's rules that concerned the recipient."""
    with translation.override(message.language):
        values = {
            "class": adoption.school_class.name,
            "school": adoption.school_class.school.name,
            "company": adoption.company.name,
            "year": adoption.school_year_label,
        }
        if message.kind == Kind.RENEWED:
            subject = _("%(company)s continues with %(class)s, %(school)s") % values
            intro = _("%(company)s and %(class)s at %(school)s continue their adoption in %(year)s.") % values
        elif message.role == Role.HOST:
            subject = _("Your company adopts %(class)s, %(school)s") % values
            intro = (
                _(
                    "%(company)s adopts %(class)s at %(school)s for the school year %(year)s. "
                    "Next comes the annual plan, which you write together with the teacher."
                )
                % values
            )
        else:
            subject = _("%(class)s is adopted by %(company)s") % values
            intro = (
                _(
                    "%(class)s at %(school)s is adopted by %(company)s for the school year %(year)s. "
                    "Next comes the annual plan, which you write together with the company."
                )
                % values
            )
        details = _("Class: %(class)s, %(school)s\nCompany: %(company)s\nSchool year: %(year)s") % values
        # The plan is what comes next: the plain text, which has no button, carries its address too.
        plan_url = site_url(reverse("plan-detail", args=[adoption.plan.pk]))
        details += "\n\n" + _("The annual plan in Brobyg: %(url)s") % {"url": plan_url}
        return compose(
            message,
            subject=subject,
            intro=intro,
            note=_note(message),
            details=details,
            url=plan_url,
            link_text=_("Open the annual plan"),
        )


def adoption_admin_url(pk: str) -> str:
    return reverse("admin:adoptions_adoption_change", args=[int(pk)])


def pair_for_message(pk: str) -> ProposedPair | None:
    return (
        ProposedPair.objects.select_related("school_class__school", "run__round")
        .filter(pk=int(pk), basis=ProposedPair.Basis.UNPLACED)
        .first()
    )


def unplaced_is_current(message: OutgoingMessage, pair: ProposedPair) -> bool:
    """Once the consultant has placed the class by hand, "not adopted" is no longer true."""
    return not Adoption.objects.filter(
        school_class_id=pair.school_class_id, school_year=pair.run.round.school_year, status=Adoption.Status.ACTIVE
    ).exists()


def render_unplaced(message: OutgoingMessage, pair: ProposedPair) -> EmailMultiAlternatives:
    """The teacher's e-mail in their language: not adopted in this round, why in plain words,
    and what can still happen."""
    # Imported here: the services import this module to write the messages.
    from adoptions.services.runs import pair_reasons

    with translation.override(message.language):
        round = pair.run.round
        values = {
            "class": pair.school_class.name,
            "school": pair.school_class.school.name,
            "round": round.title,
            "year": round.school_year_label,
        }
        subject = _("%(class)s, %(school)s was not adopted in this round") % values
        intro = (
            _(
                "%(class)s at %(school)s was not adopted by a company in the round %(round)s "
                "for the school year %(year)s."
            )
            % values
        )
        reasons = pair_reasons(pair)
        if reasons:
            intro += " " + _("Why: %(reasons)s.") % {"reasons": "; ".join(reasons)}
        intro += " " + _(
            "The consultant may still place the class with a company by hand; otherwise the class "
            "can wish again in the next round."
        )
        details = _("Class: %(class)s, %(school)s\nRound: %(round)s\nSchool year: %(year)s") % values
        url = site_url(reverse("my-rounds"))
        details += "\n\n" + _("Your classes' rounds in Brobyg: %(url)s") % {"url": url}
        return compose(
            message,
            subject=subject,
            intro=intro,
            note=_note(message),
            details=details,
            url=url,
            link_text=_("See your rounds"),
        )
