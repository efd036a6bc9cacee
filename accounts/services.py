"""Writes for user accounts: inviting a person by e-mail.

Who a person is invited as (teacher, host, company administrator) belongs to schools and
companies, whose services call these; accounts knows nothing of them."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import emails
from accounts.audit import audit_record
from accounts.models import ApiToken, User
from core.errors import DomainError
from core.tokens import token_hash

SEVERAL_ACCOUNTS = _("Several accounts use this e-mail address; ask an administrator to merge them first.")
ACCOUNT_INACTIVE = _("The account with this e-mail address is deactivated; ask an administrator.")
USERNAME_TAKEN = _("Another account already has this e-mail address as its user name; ask an administrator.")
EMAIL_NOT_A_USERNAME = _("This e-mail address cannot be used as a user name; ask an administrator.")


@transaction.atomic
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


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """A new API key for `user`, valid for settings.API_TOKEN_DAYS. Returns the key itself, which
    is shown this once: only its hash is kept. The user's expired keys go at the same time, so
    the table holds no more than the keys that still work."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires__lte=now).delete()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user, key_hash=token_hash(key), created=now, expires=now + timedelta(days=settings.API_TOKEN_DAYS)
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
