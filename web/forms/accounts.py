"""Forms for signing in without help: asking for a password reset."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm

from accounts import emails
from accounts.models import User
from web.forms import RefusesOverlongText


class PasswordResetForm(RefusesOverlongText, DjangoPasswordResetForm):
    """Django's form, with our e-mail in the user's language."""

    def get_users(self, email: str) -> Iterator[User]:
        """Active accounts with this address, including those without a usable password.

        Django leaves those out because elsewhere they mean "signs in some other way"; here
        they mean "invited, link not used yet", and a reset is how someone whose invitation
        expired gets in without asking anyone."""
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if user.email.casefold() == email.casefold():
                yield user

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ) -> None:
        """Django's signature; the e-mail is ours, in the user's language and layout."""
        emails.password_reset_send(user=context["user"])
