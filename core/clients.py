"""Who is asking: the client's network address behind the configured number of proxies. Sign-in
lockouts (django-axes), the API's throttles (DRF's NUM_PROXIES, the same setting) and the
open-day form's limit count by it, so all three agree on who a client is."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client as the nearest trusted proxy saw it.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request from to
    X-Forwarded-For; entries further left were written by the client and prove nothing. Without
    proxies (or without the header) the socket's address is the client."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")
