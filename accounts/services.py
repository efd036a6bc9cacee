"""Writes for user accounts: inviting a person by e-mail, and erasing a person everywhere.

Who a person is invited as (teacher, host, company administrator) belongs to schools and
companies, whose services call these; accounts knows nothing of them."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import SET_NULL, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import emails
from accounts.audit import audit_record, audited
from accounts.models import ApiToken, AuditEntry, User
from accounts.signals import person_erasing
from core.errors import DomainError
from core.models import IdempotencyKey
from core.tokens import token_hash

SEVERAL_ACCOUNTS = _("Several accounts use this e-mail address; ask an administrator to merge them first.")
ACCOUNT_INACTIVE = _("The account with this e-mail address is deactivated; ask an administrator.")
USERNAME_TAKEN = _("Another account already has this e-mail address as its user name; ask an administrator.")
EMAIL_NOT_A_USERNAME = _("This e-mail address cannot be used as a user name; ask an administrator.")


@transaction.atomic
@audited("accounts.user.invite")
def user_invite(*, email: str, first_name: str, last_name: str, language: str) -> User:
    """The account of an invited e-mail address: the existing one if the address has one,
    else a new account without a usable password (the invitation's link sets it).

    An existing account is reused rather than duplicated: one person, one sign-in, and a
    password reset by e-mail reaches exactly one account. Its names and language stay as
    the person set them. The new account's user name is the e-mail address."""
    email = User.objects.normalize_email(email.strip())
    existing = list(User.objects.filter(email__iexact=email)[:2])
    if len(existing) > 1:
        raise DomainError(SEVERAL_ACCOUNTS, code="several_accounts", field="email")
    if existing:
        if not existing[0].is_active:
            raise DomainError(ACCOUNT_INACTIVE, code="account_inactive", field="email")
        return existing[0]
    username = email.lower()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(USERNAME_TAKEN, code="username_taken", field="email")
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, language=language)
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as error:
        if "username" in error.message_dict:
            raise DomainError(EMAIL_NOT_A_USERNAME, code="email_not_a_username", field="email") from error
        raise
    user.save()
    return user


def user_invitation_send(*, user: User, intro: Promise | str, params: dict[str, str]) -> None:
    """E-mail the invitation once the transaction that made it commits, so nobody is invited
    to something that was rolled back. `intro` is translated into the invitee's language.

    Robust: the invitation is saved by then, so a failure to send is logged (by the sender, or
    by Django for anything else) and the inviter's page still answers; the invitee can ask for
    a new link on the password-reset page."""
    transaction.on_commit(
        partial(emails.invitation_send, user_id=user.pk, intro=intro, params=dict(params)), robust=True
    )


ERASED_NAME = "erased-{pk}"


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed: accounts blanked and, per app, how many rows of what."""

    accounts: int
    changed: dict[str, int]


def person_erase(*, email: str, actor: User | None = None) -> ErasureReport:
    """Erase one person everywhere, on request (GDPR art. 17), leaving anonymous counts.

    Every app erases what it holds about the address or its accounts (accounts.signals.
    person_erasing: outbox messages, calendar feeds, profiles, free text they wrote, a pupil's
    open-day applications); then every nullable link to their accounts ("created by", "by") is
    emptied, their audit entries lose who and the details, their API tokens and sessions stop
    working, and each account is kept but blanked and deactivated, since bookings they made
    must still count. One transaction: all of it or nothing. docs/privacy.md lists each datum."""
    address = User.objects.normalize_email(email.strip()).lower()
    if not address:
        raise DomainError(_("Give the e-mail address of the person to erase."), code="email_missing", field="email")
    with transaction.atomic():
        users = list(
            User.objects.select_for_update()
            .filter(Q(email__iexact=address) | Q(username__iexact=address))
            .order_by("pk")
        )
        changed: dict[str, int] = {}
        for _receiver, counts in person_erasing.send(sender=None, users=users, email=address):
            for what, count in (counts or {}).items():
                changed[what] = changed.get(what, 0) + count
        changed |= _sign_in_attempts_erase({address, *(user.username.lower() for user in users)})
        if users:
            changed |= _accounts_erase(users)
        audit_record(
            actor=actor,
            action="accounts.person.erase",
            target=users[0] if len(users) == 1 else None,
            details={"accounts": len(users), "changed": changed},
        )
    return ErasureReport(accounts=len(users), changed=changed)


def _sign_in_attempts_erase(names: set[str]) -> dict[str, int]:
    """django-axes' records of sign-in attempts under the person's names (address, user
    name, IP address, browser), when axes is installed (docs/security.md)."""
    if not apps.is_installed("axes"):
        return {}
    deleted = 0
    for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", model_name)
        for name in names:
            deleted += model.objects.filter(username__iexact=name).delete()[0]
    return {"sign-in attempts deleted": deleted}


def _accounts_erase(users: list[User]) -> dict[str, int]:
    """Empty every nullable link to the accounts, blank their audit entries, stop their tokens,
    admin history and sessions, and blank the accounts themselves."""
    ids = [user.pk for user in users]
    changed = {"links emptied": _links_empty(ids)}
    changed["audit entries blanked"] = AuditEntry.objects.filter(actor_id__in=ids).blank_for_erasure()
    changed["api tokens deleted"] = ApiToken.objects.filter(user_id__in=ids).delete()[0]
    # Stored API answers of their retried requests (names in them; kept 24 h otherwise).
    changed["idempotency keys deleted"] = IdempotencyKey.objects.filter(user_id__in=ids).delete()[0]
    if apps.is_installed("django.contrib.admin"):
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        about = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id__in=[str(pk) for pk in ids]
        )
        changed["admin history blanked"] = about.update(object_repr="", change_message="")
        changed["admin history blanked"] += LogEntry.objects.filter(user_id__in=ids).update(change_message="")
    for user in users:
        user.username = ERASED_NAME.format(pk=user.pk)
        user.email = user.first_name = user.last_name = user.phone = ""
        user.is_active = user.is_staff = user.is_superuser = user.is_consultant = False
        user.last_login = None
        # A new unusable password also ends the sessions: Django checks a session against it.
        user.set_unusable_password()
        user.save()
        user.area.clear()
        user.groups.clear()
        user.user_permissions.clear()
    return changed


def _links_empty(user_ids: list[int]) -> int:
    """Set every foreign key to these accounts that Django would empty on deleting them
    (SET_NULL) to NULL, in every app: who opened a round, created a slot, changed a plan.
    What was done stays; who did it is forgotten.
    The audit log is left to its own blanking (its rows are append-only)."""
    emptied = 0
    for model in apps.get_models():
        if model is AuditEntry:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User and field.remote_field.on_delete is SET_NULL:
                emptied += model._base_manager.filter(**{f"{field.name}__in": user_ids}).update(**{field.name: None})
    return emptied


def audit_entries_blank_old(*, now: dt.datetime | None = None) -> int:
    """Retention: entries older than AUDIT_RETENTION_DAYS keep what happened, to what and
    when, but no longer who did it or the details. Returns how many were blanked."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    old = AuditEntry.objects.filter(at__lt=cutoff).filter(Q(actor__isnull=False) | ~Q(details={}))
    return old.blank_for_erasure()


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """A new API key for `user`, valid for settings.API_TOKEN_DAYS. Returns the key itself, which
    is shown this once: only its hash is kept. The user's expired keys go at the same time, so
    the table holds no more than the keys that still work."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires__lte=now).delete()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user, key_hash=token_hash(key), created=now, expires=now + dt.timedelta(days=settings.API_TOKEN_DAYS)
    )
    audit_record(actor=user, action="accounts.api_token.issue", target=token)
    return key


@transaction.atomic
def api_tokens_revoke(*, user: User, actor: User | None = None) -> int:
    """Deletes every API key of `user` (signing out every script and integration of theirs);
    returns how many there were."""
    count, _deleted = ApiToken.objects.filter(user=user).delete()
    audit_record(actor=actor or user, action="accounts.api_token.revoke", target=user, details={"tokens": count})
    return count
