"""The account e-mails: invitations and password resets, in the recipient's language.

They go straight through Django's mail, not the notifications outbox: accounts sit below
notifications, a link is only worth its short-lived token, and there is nothing to re-check
before sending. Invitations are sent after the invitation's transaction commits
(accounts.services.user_invitation_send).

A mail server that fails is logged, never raised: the invitation is already saved when it is
sent, and a password reset that failed only for real addresses would reveal which exist. The
person can always ask for a new link on the password-reset page."""

from __future__ import annotations

import logging
from email.headerregistry import Address

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.tokens import invitation_token_generator
from core.sites import site_url

logger = logging.getLogger(__name__)


def set_password_url(user: User, *, url_name: str, generator: PasswordResetTokenGenerator) -> str:
    """An absolute one-use link to the page `url_name` (which takes uidb64 and token)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(url_name, kwargs={"uidb64": uidb64, "token": generator.make_token(user)})
    return site_url(path)


def account_email(
    *, user: User, subject: str, intro: str, details: str, url: str, link_text: str
) -> EmailMultiAlternatives:
    """Plain text and HTML in the layout of the notification e-mails. Call it in the user's language."""
    context = {
        "recipient_name": user.get_full_name(),
        "subject": subject,
        "intro": intro,
        "details": details,
        "url": url,
        "link_text": link_text,
    }
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[str(Address(display_name=user.get_full_name(), addr_spec=user.email))],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string("accounts/email.html", context), "text/html")
    return email


def deliver(email: EmailMultiAlternatives, *, what: str, user: User) -> bool:
    """Send, and log instead of raising if the mail server fails (OSError covers SMTP errors
    and refused connections). True if the mail server took the e-mail."""
    try:
        email.send()
    except OSError:
        logger.exception("The %s e-mail to user %s could not be sent.", what, user.pk)
        return False
    return True


def password_reset_send(*, user: User) -> bool:
    """The link to choose a new password. Sent only to an address that has an account; the
    page that asks for it answers the same either way, also when sending fails."""
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    with translation.override(user.language):
        email = account_email(
            user=user,
            subject=_("Choose a new password for Brobyg"),
            intro=_(
                "Someone asked to choose a new password for your Brobyg account. If it was not you, ignore this e-mail; your password stays as it is."
            ),
            details=ngettext(
                "The link works once, for %(hours)s hour. Your user name is %(username)s.",
                "The link works once, for %(hours)s hours. Your user name is %(username)s.",
                hours,
            )
            % {"hours": hours, "username": user.username},
            url=set_password_url(user, url_name="password-reset-confirm", generator=default_token_generator),
            link_text=_("Choose a new password"),
        )
    return deliver(email, what="password reset", user=user)


def invitation_send(*, user_id: int, intro: Promise | str, params: dict[str, str]) -> bool:
    """Tell an invited person where they now belong (`intro` % `params`, translated here into
    their language). Someone without a password gets a one-use link to choose one; someone
    who already signs in gets a link to the sign-in page. True if the mail server took it."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    with translation.override(user.language):
        if user.has_usable_password():
            subject = _("You have been added on Brobyg")
            details = _("Sign in as usual with your user name %(username)s.") % {"username": user.username}
            url, link_text = site_url(reverse("login")), _("Sign in")
        else:
            days = max(1, settings.INVITATION_TIMEOUT // (24 * 3600))
            subject = _("You are invited to Brobyg")
            details = ngettext(
                "Choose your password with the link below. It works once, for %(days)s day. Your user name is %(username)s.",
                "Choose your password with the link below. It works once, for %(days)s days. Your user name is %(username)s.",
                days,
            ) % {"days": days, "username": user.username}
            url = set_password_url(user, url_name="invitation-accept", generator=invitation_token_generator)
            link_text = _("Choose your password")
        email = account_email(
            user=user, subject=subject, intro=str(intro) % params, details=details, url=url, link_text=link_text
        )
    return deliver(email, what="invitation", user=user)
