from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, fetching the user's teacher profile in the same query
    so that permission checks on a request cost no extra round trip."""

    def authenticate_credentials(self, key: str):
        token = Token.objects.select_related("user", "user__teacher").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
