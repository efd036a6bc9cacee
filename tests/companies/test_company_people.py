"""A company's people: administrators (and consultants) invite colleagues, change their
roles and remove them; a company always keeps an administrator; hosts manage offers but not
people; role models are the administrators' too."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from companies import services
from companies.models import CompanyMember, RoleModel
from companies.permissions import can_manage_people
from core.errors import DomainError
from tests import factories

ADMIN, HOST = CompanyMember.Role.ADMIN, CompanyMember.Role.HOST


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


@pytest.fixture
def admin(company) -> CompanyMember:
    return factories.CompanyMemberFactory(company=company, role=ADMIN, user__username="chef")


def invite(actor, company, **overrides) -> CompanyMember:
    fields = {"email": "ny@nordvind.dk", "first_name": "Nikolaj", "last_name": "Bak", "language": "en", "role": HOST}
    return services.company_member_invite(actor=actor, company=company, **fields | overrides)


# Inviting ----------------------------------------------------------------------------------


def test_admin_invites_a_colleague_who_gets_an_e_mail_after_commit(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = invite(admin.user, admin.company)
        assert mail.outbox == []

    assert (member.company, member.role) == (admin.company, HOST)
    assert not member.user.has_usable_password()
    [message] = mail.outbox
    assert message.subject == "You are invited to Brobyg"
    assert f"{admin.user} has invited you to Brobyg as a host for {admin.company.name}." in message.body


def test_admin_invites_another_administrator(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = invite(admin.user, admin.company, role=ADMIN, language="da")

    assert member.role == ADMIN
    assert f"som administrator for {admin.company.name}" in mail.outbox[0].body


def test_consultant_invites_to_any_company(consultant, company):
    assert invite(consultant, company).company == company


@pytest.mark.parametrize("who", ["host", "other_company_admin", "teacher"])
def test_only_the_companys_admins_invite(request, company, who):
    """A host of the company, an administrator of another company and a teacher are refused,
    and no account is left behind."""
    actor = {
        "host": lambda: request.getfixturevalue("host").user,
        "other_company_admin": lambda: factories.CompanyMemberFactory(role=ADMIN).user,
        "teacher": lambda: request.getfixturevalue("teacher").user,
    }[who]()

    refused("not_company_admin", lambda: invite(actor, company))

    assert not User.objects.filter(email="ny@nordvind.dk").exists()


def test_inviting_an_existing_account_adds_it_to_the_company(admin, other_host, django_capture_on_commit_callbacks):
    """A host of another company joins this one with the same account: one person, one sign-in."""
    with django_capture_on_commit_callbacks(execute=True):
        member = invite(admin.user, admin.company, email=other_host.user.email.upper())

    assert member.user == other_host.user
    assert set(other_host.user.company_memberships.values_list("company_id", flat=True)) == {
        admin.company_id,
        other_host.company_id,
    }
    assert mail.outbox[0].subject == "Du er blevet tilføjet på Brobyg"  # in the account's own language


def test_inviting_a_member_again_is_refused(admin, host):
    error = refused("already_member", lambda: invite(admin.user, admin.company, email=host.user.email))

    assert error.field == "user"


def test_invitation_with_an_unknown_role_leaves_nothing_behind(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(admin.user, admin.company, role="owner")

    assert not User.objects.filter(email="ny@nordvind.dk").exists()
    assert mail.outbox == []


# Roles and removal -------------------------------------------------------------------------


def test_admin_makes_a_host_administrator_and_back(admin, host):
    services.company_member_set_role(actor=admin.user, member=host, role=ADMIN)
    assert CompanyMember.objects.get(pk=host.pk).role == ADMIN

    services.company_member_set_role(actor=admin.user, member=host, role=HOST)
    assert CompanyMember.objects.get(pk=host.pk).role == HOST


def test_the_last_admin_cannot_be_demoted(admin):
    error = refused("last_admin", lambda: services.company_member_set_role(actor=admin.user, member=admin, role=HOST))

    assert error.field == "role"
    assert CompanyMember.objects.get(pk=admin.pk).role == ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(admin, host):
    services.company_member_set_role(actor=admin.user, member=host, role=ADMIN)

    services.company_member_set_role(actor=admin.user, member=admin, role=HOST)

    assert CompanyMember.objects.get(pk=admin.pk).role == HOST


def test_the_last_admin_cannot_be_removed(admin):
    refused("last_admin", lambda: services.company_member_remove(actor=admin.user, member=admin))

    assert CompanyMember.objects.filter(pk=admin.pk).exists()


def test_admin_removes_a_colleague_whose_offers_keep_going(admin, host, offer):
    """The membership goes; the account stays; the offer loses its contact person, not itself."""
    services.company_member_remove(actor=admin.user, member=host)

    assert not CompanyMember.objects.filter(pk=host.pk).exists()
    assert User.objects.filter(pk=host.user_id).exists()
    offer.refresh_from_db()
    assert offer.contact is None


def test_unknown_role_is_refused(admin, host):
    with pytest.raises(ValidationError):
        services.company_member_set_role(actor=admin.user, member=host, role="owner")


def test_hosts_cannot_change_roles_or_remove_colleagues(admin, host):
    refused("not_company_admin", lambda: services.company_member_set_role(actor=host.user, member=admin, role=HOST))
    refused("not_company_admin", lambda: services.company_member_remove(actor=host.user, member=admin))
    refused("not_company_admin", lambda: services.company_member_set_role(actor=host.user, member=host, role=ADMIN))


def test_admin_of_another_company_cannot_touch_this_ones_people(admin, host):
    stranger = factories.CompanyMemberFactory(role=ADMIN)

    refused("not_company_admin", lambda: services.company_member_remove(actor=stranger.user, member=host))


def test_consultant_manages_any_companys_people(consultant, company, host):
    services.company_member_set_role(actor=consultant, member=host, role=ADMIN)

    assert CompanyMember.objects.get(pk=host.pk).role == ADMIN


def test_the_admin_keeps_repairing_roles_without_the_rule(admin):
    """The Django admin saves through company_member_update, which may leave a company without
    an administrator so an installation can be repaired."""
    services.company_member_update(member=admin, role=HOST)

    assert CompanyMember.objects.get(pk=admin.pk).role == HOST


def test_who_manages_people(admin, host, consultant, teacher):
    company_id = admin.company_id

    assert can_manage_people(admin.user, company_id)
    assert can_manage_people(consultant, company_id)
    assert not can_manage_people(host.user, company_id)
    assert not can_manage_people(teacher.user, company_id)
    assert not can_manage_people(admin.user, factories.CompanyFactory().pk)


# Role models -------------------------------------------------------------------------------


def test_admin_adds_and_changes_role_models(admin):
    role_model = services.role_model_create(
        actor=admin.user, company=admin.company, name="Maja", job_title="Elektriker"
    )
    services.role_model_update(actor=admin.user, role_model=role_model, is_young_ambassador=True)

    assert RoleModel.objects.get(pk=role_model.pk).is_young_ambassador


def test_hosts_do_not_change_role_models(admin, host):
    role_model = factories.RoleModelFactory(company=host.company)

    refused(
        "not_company_admin",
        lambda: services.role_model_create(actor=host.user, company=host.company, name="X", job_title="Y"),
    )
    refused("not_company_admin", lambda: services.role_model_update(actor=host.user, role_model=role_model, name="X"))
