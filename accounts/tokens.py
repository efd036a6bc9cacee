"""The one-use links that let a person choose a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from accounts.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A reset token with its own salt and lifetime. The salt keeps a reset link from passing
    as an invitation and back; the lifetime is INVITATION_TIMEOUT, because an invitation waits
    in an inbox for days while a reset is used at once. Like a reset token it stops working
    as soon as a password is set (the password hash is part of the signed value)."""

    key_salt = "brobyg.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp_b36, _signature = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.INVITATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()
