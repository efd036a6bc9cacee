from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(responses=inline_serializer("Ping", {"status": serializers.CharField()}))
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def ping(request: Request) -> Response:
    """Health check. Also the baseline of the booking benchmark: the cheapest DRF answer."""
    return Response({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own start page; visitors see what Brobyg is and the public catalogue."""
    from accounts.roles import Role, role_of
    from companies.views import host_home
    from schools.views import teacher_home

    role = role_of(request.user)
    if role == Role.TEACHER:
        return teacher_home(request)
    if role == Role.HOST:
        return host_home(request)
    if role == Role.CONSULTANT:
        return redirect("offer-catalogue")
    return render(request, "core/visitor_home.html")
