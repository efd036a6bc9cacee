"""A company's own page about its people: colleagues and role models. Every member sees it;
only administrators (and consultants) invite, change roles, remove colleagues and edit role
models. Thin: forms, selectors and companies' services, which hold the rules.

Another company's page answers 404, like one that does not exist; a host pressing an
administrator's button gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors, services
from companies.models import Company, CompanyMember, RoleModel
from companies.permissions import can_manage_people
from core.errors import DomainError
from web.forms.offer import add_domain_error, add_validation_error
from web.forms.people import ColleagueInviteForm, MemberRoleForm, RoleModelForm
from web.views.people import INVITE_ALIASES, invited_message
from web.views.shared import report_form_errors


def _company(request: HttpRequest, company_id: int) -> Company:
    return get_object_or_404(selectors.company_list_for_member(request.user), pk=company_id)


def _managed_company(request: HttpRequest, company_id: int) -> Company:
    company = _company(request, company_id)
    if not can_manage_people(request.user, company.pk):
        raise PermissionDenied
    return company


def _member(company: Company, member_id: int) -> CompanyMember:
    return get_object_or_404(selectors.company_member_list(company), pk=member_id)


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    """The way in from the menu: straight to the one company a member acts for, else a list."""
    companies = selectors.company_list_for_member(request.user).order_by("name")
    if not companies.exists():
        raise Http404
    if not request.user.sees_everything and companies.count() == 1:
        return redirect("company-people", companies.get().pk)
    return render(request, "web/people/company_list.html", {"companies": companies})


def _render_company(
    request: HttpRequest, company: Company, invite_form: ColleagueInviteForm | None = None
) -> HttpResponse:
    members = list(selectors.company_member_list(company))
    return render(
        request,
        "web/people/company.html",
        {
            "company": company,
            "members": members,
            "admins": [member for member in members if member.role == CompanyMember.Role.ADMIN],
            "role_models": selectors.role_model_list(company),
            "can_manage": can_manage_people(request.user, company.pk),
            "invite_form": invite_form or ColleagueInviteForm(),
            "role_choices": CompanyMember.Role.choices,
        },
    )


@login_required
def company_people(request: HttpRequest, company_id: int) -> HttpResponse:
    return _render_company(request, _company(request, company_id))


@login_required
@require_POST
def colleague_invite(request: HttpRequest, company_id: int) -> HttpResponse:
    """Invite a colleague; a refused or invalid invitation shows the page again with the
    form's messages."""
    company = _managed_company(request, company_id)
    form = ColleagueInviteForm(request.POST)
    if form.is_valid():
        try:
            member = services.company_member_invite(
                actor=request.user, company=company, role=form.cleaned_data["role"], **form.person()
            )
        except DomainError as error:
            add_domain_error(form, error, INVITE_ALIASES)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, invited_message(member.user, company.name))
            return redirect("company-people", company.pk)
    return _render_company(request, company, invite_form=form)


@login_required
@require_POST
def member_role(request: HttpRequest, company_id: int, member_id: int) -> HttpResponse:
    company = _managed_company(request, company_id)
    member = _member(company, member_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("company-people", company.pk)
    try:
        services.company_member_set_role(actor=request.user, member=member, role=form.cleaned_data["role"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.") % {"name": member.user, "role": member.get_role_display().lower()},
        )
    return redirect("company-people", company.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, company_id: int, member_id: int) -> HttpResponse:
    company = _managed_company(request, company_id)
    member = _member(company, member_id)
    try:
        services.company_member_remove(actor=request.user, member=member)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("company-people", company.pk)
    messages.success(request, _("%(name)s no longer acts for %(company)s.") % {"name": member.user, "company": company})
    if member.user_id == request.user.pk and not request.user.sees_everything:
        return redirect("home")  # the page is not theirs any more
    return redirect("company-people", company.pk)


def _role_model_form(request: HttpRequest, company: Company, role_model: RoleModel | None) -> HttpResponse:
    saved_name = role_model.name if role_model else ""  # the form's validation changes the instance
    form = RoleModelForm(request.POST if request.method == "POST" else None, instance=role_model)
    if request.method == "POST" and form.is_valid():
        try:
            if role_model is None:
                services.role_model_create(actor=request.user, company=company, **form.cleaned_data)
            else:
                services.role_model_update(actor=request.user, role_model=role_model, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The role model %(name)s is saved.") % {"name": form.cleaned_data["name"]})
            return redirect("company-people", company.pk)
    return render(
        request,
        "web/people/role_model_form.html",
        {"form": form, "company": company, "role_model": role_model, "saved_name": saved_name},
    )


@login_required
def role_model_create(request: HttpRequest, company_id: int) -> HttpResponse:
    return _role_model_form(request, _managed_company(request, company_id), None)


@login_required
def role_model_edit(request: HttpRequest, company_id: int, role_model_id: int) -> HttpResponse:
    company = _managed_company(request, company_id)
    role_model = get_object_or_404(selectors.role_model_list(company), pk=role_model_id)
    return _role_model_form(request, company, role_model)
