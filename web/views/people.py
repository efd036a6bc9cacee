"""The consultant's page for inviting people: a teacher to a school, a host or an
administrator to a company. Thin: a form and the owners' invite services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from companies.services import company_member_invite
from core.errors import DomainError
from schools.services import teacher_invite
from web.forms.offer import add_domain_error, add_validation_error
from web.forms.people import TEACHER, PersonInviteForm

# A service refuses the account ("user"); on the form that is the e-mail address.
INVITE_ALIASES = {"user": "email", "username": "email"}


def consultant_required(view: Callable) -> Callable:
    """Signed in as a consultant or administrator; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.sees_everything:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def invited_message(user: User, place: str) -> str:
    """Says whether an existing account joined or a new one was made, so nobody wonders why
    the person did not get a set-password link."""
    if user.has_usable_password():
        return _("%(name)s already had an account and now also belongs to %(place)s; an e-mail tells them.") % {
            "name": user.get_full_name() or user.email,
            "place": place,
        }
    return _("%(name)s is invited to %(place)s; the e-mail with a link to choose a password is on its way.") % {
        "name": user.get_full_name() or user.email,
        "place": place,
    }


@consultant_required
def person_invite(request: HttpRequest) -> HttpResponse:
    form = PersonInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["role"] == TEACHER:
                place = data["school"]
                user = teacher_invite(actor=request.user, school=place, **form.person()).user
            else:
                place = data["company"]
                user = company_member_invite(actor=request.user, company=place, role=data["role"], **form.person()).user
        except DomainError as error:
            add_domain_error(form, error, INVITE_ALIASES)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, invited_message(user, place.name))
            return redirect("person-invite")
    return render(request, "web/people/invite.html", {"form": form})
