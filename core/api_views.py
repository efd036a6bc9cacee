"""API endpoints that belong to no domain. Kept out of core/api.py: DRF's settings import that
module while DRF itself is still loading, so it cannot import DRF's views."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(responses=inline_serializer("Ping", {"status": serializers.CharField()}))
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
# A load balancer asks every few seconds from one address: never throttled.
@throttle_classes([])
def ping(request: Request) -> Response:
    """Health check. Also the baseline of the booking benchmark: the cheapest DRF answer."""
    return Response({"status": "ok"})
