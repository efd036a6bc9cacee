"""Forms for bringing people on board and for a company's people and role models. They turn
input into the arguments of the owners' services; the rules live in those services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from companies.models import Company, CompanyMember, RoleModel
from schools.models import School
from web.forms import RefusesOverlongText, limit_length

# The user name of an invited person is their e-mail address, and a user name holds 150 characters.
MAX_EMAIL = 150
MAX_NAME = 150
# A few paragraphs: the longest text a role model's card shows.
MAX_TEXT = 2000

TEACHER = "teacher"


class InviteForm(RefusesOverlongText, forms.Form):
    """Who to invite: the fields every invitation has."""

    email = forms.EmailField(label=_("E-mail"), max_length=MAX_EMAIL)
    first_name = forms.CharField(label=_("First name"), max_length=MAX_NAME)
    last_name = forms.CharField(label=_("Last name"), max_length=MAX_NAME)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        initial=User.Language.DANISH,
        help_text=_("The language of the invitation and of every e-mail after it."),
    )

    def person(self) -> dict[str, str]:
        """The invitee's fields, as the invite services take them."""
        return {name: self.cleaned_data[name] for name in ("email", "first_name", "last_name", "language")}


class PersonInviteForm(InviteForm):
    """A consultant invites a teacher to a school, or a host or administrator to a company."""

    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=[
            (TEACHER, _("Teacher")),
            (CompanyMember.Role.HOST, _("Host for a company")),
            (CompanyMember.Role.ADMIN, _("Administrator for a company")),
        ],
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.order_by("name"), required=False, help_text=_("For a teacher.")
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.order_by("name"),
        required=False,
        help_text=_("For a host or an administrator."),
    )

    field_order = ["email", "first_name", "last_name", "role", "school", "company", "language"]

    def clean(self) -> dict:
        data = super().clean()
        role = data.get("role")
        if role == TEACHER and not data.get("school") and "school" not in self.errors:
            self.add_error("school", _("Choose the school the teacher works at."))
        if role in CompanyMember.Role.values and not data.get("company") and "company" not in self.errors:
            self.add_error("company", _("Choose the company the person acts for."))
        return data


class ColleagueInviteForm(InviteForm):
    """A company's administrator invites a colleague to their own company."""

    role = forms.ChoiceField(label=_("Role"), choices=CompanyMember.Role.choices, initial=CompanyMember.Role.HOST)

    field_order = ["email", "first_name", "last_name", "role", "language"]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CompanyMember.Role.choices)


class RoleModelForm(RefusesOverlongText, forms.ModelForm):
    class Meta:
        model = RoleModel
        fields = ["name", "job_title", "education_path", "is_young_ambassador", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self.fields["education_path"], MAX_TEXT)
