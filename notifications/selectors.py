"""Reads for calendar feeds: which feeds a person may subscribe to, their addresses, and
whether an address still opens its feed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from accounts.models import User
from companies.models import CompanyMember
from companies.selectors import company_ids_of
from notifications.models import CalendarFeed, CalendarSubscription, feed_token_hash
from schools.models import SchoolClass
from schools.selectors import teacher_of

# A token is 43 characters (notifications.models.new_feed_token); anything much longer is
# not one, and is not hashed.
LONGEST_TOKEN = 100

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


def _holder_may_read(subscription: CalendarSubscription) -> bool:
    """Whether the subscription's holder may still read its feed: an active user who still
    teaches at the school the address was made for (a teacher's own feed, or a class of that
    school) or still works for the company (a company's feed) or for any company (a member's
    own feed: its offers are those the member is the contact of, and leaving a company takes
    that company's offers out of it). An address without a holder (from before addresses
    were personal) is a class's or company's and opens it until stopped."""
    Kind = CalendarFeed.Kind
    feed, holder = subscription.feed, subscription.holder
    if holder is None:
        return feed.is_shared
    if not holder.is_active:
        return False
    if feed.kind in (Kind.TEACHER, Kind.MEMBER) and feed.user_id != holder.pk:
        return False
    if feed.kind in (Kind.TEACHER, Kind.SCHOOL_CLASS):
        teacher = teacher_of(holder)
        school_id = feed.school_class.school_id if feed.kind == Kind.SCHOOL_CLASS else subscription.school_id
        return teacher is not None and teacher.school_id == subscription.school_id == school_id
    return subscription.works_for_company


def _works_for_company() -> RawSQL:
    """Whether the holder works for the feed's company, or, for a feed without a company (a
    member's own), for any company: COALESCE compares the membership's company with itself.
    Written as SQL because it runs at every feed request, and the ORM's Exists(OuterRef(…))
    costs several times the rest of the lookup to build; the query joins each table once,
    under its own name."""
    quote = connection.ops.quote_name
    member = quote(CompanyMember._meta.db_table)
    subscription = quote(CalendarSubscription._meta.db_table)
    feed = quote(CalendarFeed._meta.db_table)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {member} WHERE {member}.{quote('user_id')} = {subscription}.{quote('holder_id')}"
        f" AND {member}.{quote('company_id')} = COALESCE({feed}.{quote('company_id')}, {member}.{quote('company_id')}))",
        [],
        output_field=BooleanField(),
    )


def subscription_for_token(token: str) -> CalendarSubscription | None:
    """The subscription whose address holds `token`, with its feed and what naming the feed
    reads, if its holder may still read the feed (_holder_may_read); None otherwise, and the
    address answers 404. Checked at every request, so leaving a school or company closes the
    address at once, and in the one statement that finds the address: the holder's teacher
    profile comes along with them, and whether they work for the company as an EXISTS."""
    if len(token) > LONGEST_TOKEN:
        return None
    try:
        subscription = (
            CalendarSubscription.objects.select_related(
                "feed__user", "feed__school_class__school", "feed__company", "holder__teacher"
            )
            .annotate(works_for_company=_works_for_company())
            .get(token_hash=feed_token_hash(token))
        )
    except CalendarSubscription.DoesNotExist:
        return None
    return subscription if _holder_may_read(subscription) else None


@dataclass(frozen=True)
class Addresses:
    """What a person's subscriptions page says about addresses: their own address of each
    feed that still works, by feed id, and the shared feeds whose address from before
    addresses were personal still works (for everyone who has it)."""

    own: dict[int, CalendarSubscription]
    shared_from_before: set[int]


def addresses_for_user(user: User, feeds: list[CalendarFeed]) -> Addresses:
    """The user's addresses of `feeds` (from feeds_for_user), in one statement. An address
    made at another school than the user's present one no longer works and is left out."""
    teacher = teacher_of(user)
    school_id = teacher.school_id if teacher is not None else None
    at_school = (CalendarFeed.Kind.TEACHER, CalendarFeed.Kind.SCHOOL_CLASS)
    kinds = {feed.pk: feed.kind for feed in feeds}
    own: dict[int, CalendarSubscription] = {}
    shared: set[int] = set()
    subscriptions = CalendarSubscription.objects.filter(
        Q(holder=user) | Q(holder__isnull=True), feed_id__in=list(kinds)
    ).only("feed_id", "holder_id", "school_id", "created_at", "reset_at")
    for subscription in subscriptions:
        if subscription.holder_id is None:
            shared.add(subscription.feed_id)
        elif kinds[subscription.feed_id] not in at_school or subscription.school_id == school_id:
            own[subscription.feed_id] = subscription
    return Addresses(own=own, shared_from_before=shared)
