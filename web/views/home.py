"""The address "/": each role's own start page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from web.roles import Role, role_of
from web.views.host import host_home
from web.views.public import visitor_home
from web.views.teacher import teacher_home


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own start page (a consultant's is their workspace); visitors see what Brobyg
    is and the public catalogue."""
    role = role_of(request.user)
    if role == Role.TEACHER:
        return teacher_home(request)
    if role == Role.HOST:
        return host_home(request)
    if role == Role.CONSULTANT:
        return redirect("workspace")
    return visitor_home(request)
