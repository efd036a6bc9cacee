"""Reads for calendar feeds."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from companies.selectors import company_ids_of
from notifications.models import CalendarFeed
from schools.models import SchoolClass
from schools.selectors import teacher_of

OWNER_FIELD = {
    CalendarFeed.Kind.TEACHER: "user_id",
    CalendarFeed.Kind.SCHOOL_CLASS: "school_class_id",
    CalendarFeed.Kind.COMPANY: "company_id",
    CalendarFeed.Kind.MEMBER: "user_id",
}


def feeds_for_user(user: User) -> list[CalendarFeed]:
    """Every feed the user may subscribe to, created on first request: a teacher's own feed
    and one per class of their school; a company member's own feed (the offers they are the
    contact of) and one per company they work for. A few statements however many classes."""
    Kind = CalendarFeed.Kind
    wanted: list[tuple[str, int]] = []  # (kind, id of the owner)
    teacher = teacher_of(user)
    if teacher is not None:
        wanted.append((Kind.TEACHER, user.pk))
        # The classes of the teacher's own school, also for a consultant or administrator who
        # is a teacher too (class_list_for_user would give them every class in the region).
        classes = SchoolClass.objects.filter(school_id=teacher.school_id).order_by("name", "id")
        wanted += [(Kind.SCHOOL_CLASS, pk) for pk in classes.values_list("pk", flat=True)]
    company_ids = sorted(company_ids_of(user))
    if company_ids:
        wanted.append((Kind.MEMBER, user.pk))
        wanted += [(Kind.COMPANY, company_id) for company_id in company_ids]
    if not wanted:
        return []
    mine = Q()
    for kind, field in OWNER_FIELD.items():
        owners = [owner for wanted_kind, owner in wanted if wanted_kind == kind]
        if owners:
            mine |= Q(kind=kind, **{f"{field}__in": owners})

    def existing() -> dict[tuple[str, int], CalendarFeed]:
        return {(feed.kind, getattr(feed, OWNER_FIELD[feed.kind])): feed for feed in CalendarFeed.objects.filter(mine)}

    feeds = existing()
    missing = [
        CalendarFeed(kind=kind, **{OWNER_FIELD[kind]: owner}) for kind, owner in wanted if (kind, owner) not in feeds
    ]
    if missing:  # another request may create the same feeds meanwhile: theirs are kept
        CalendarFeed.objects.bulk_create(missing, ignore_conflicts=True)
        feeds = existing()
    return [feeds[key] for key in wanted]
