"""Bringing people on board without the administrator: forgotten passwords, invitations by
e-mail, and a company's administrators managing their colleagues and role models."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from accounts.models import User
from companies.models import CompanyMember, RoleModel
from companies.services import company_member_invite
from notifications.models import OutgoingMessage
from schools.services import teacher_invite
from tests import factories


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    """The site-relative path of the one link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def without_csrf(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', "", response.content.decode())


def html_of(message) -> str:
    return message.alternatives[0][0]


# Forgotten password ------------------------------------------------------------------------


def test_sign_in_page_links_to_the_password_reset(client):
    """The sign-in page offers a way out for a forgotten password."""
    assert 'href="/password/reset/"' in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    ("language", "subject"), [("da", "Vælg en ny adgangskode til Brobyg"), ("en", "Choose a new password for Brobyg")]
)
def test_password_reset_mails_a_link_in_the_users_language(client, db, language, subject):
    """A reset e-mail (text and HTML) goes to the account's address, in the account's language."""
    user = factories.UserFactory(email="lene@example.dk", language=language)

    response = client.post("/password/reset/", {"email": "LENE@example.dk"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == ["Søren Ærø <lene@example.dk>"]
    assert message.subject == subject
    assert user.username in message.body
    assert link_in(message) in html_of(message)


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, db):
    """An unknown address gets exactly the same answer as a known one, and no e-mail goes out."""
    factories.UserFactory(email="lene@example.dk")

    known = client.post("/password/reset/", {"email": "lene@example.dk"}, follow=True)
    unknown = client.post("/password/reset/", {"email": "nobody@example.dk"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known) == without_csrf(unknown)
    assert len(mail.outbox) == 1


def test_password_reset_link_sets_a_new_password_once(client, db):
    """The e-mailed link lets the person choose a new password and sign in with it; used once,
    it stops working."""
    user = factories.UserFactory(email="lene@example.dk", language="en")
    client.post("/password/reset/", {"email": "lene@example.dk"})
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Fjordhest-2031", "new_password2": "Fjordhest-2031"}
    )

    assert response["Location"] == "/password/reset/done/"
    signed_in = Client().post("/login/", {"username": user.username, "password": "Fjordhest-2031"})
    assert signed_in.status_code == 302
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "Få et nyt link" in again.content.decode()


def test_invited_person_whose_link_expired_can_ask_for_a_reset(client, db):
    """An account without a usable password (an invitation not yet accepted) still gets a reset link."""
    user = factories.UserFactory(email="ny@example.dk")
    user.set_unusable_password()
    user.save()

    client.post("/password/reset/", {"email": "ny@example.dk"})

    assert len(mail.outbox) == 1


def test_deactivated_account_gets_no_reset_link(client, db):
    factories.UserFactory(email="gone@example.dk", is_active=False)

    client.post("/password/reset/", {"email": "gone@example.dk"})

    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 300 + "@example.dk", "\x00@example.dk"])
def test_password_reset_with_garbage_shows_the_form_again(client, db, email):
    response = client.post("/password/reset/", {"email": email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path", ["/password/reset/abc/def/", "/password/reset/MTIz/1-x/", "/password/reset/" + "9" * 40 + "/x-y/"]
)
def test_broken_reset_links_say_the_link_does_not_work(client, db, path):
    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]


# A consultant invites people ---------------------------------------------------------------


def invite_data(**overrides) -> dict:
    data = {
        "email": "ny.laerer@skole.dk",
        "first_name": "Ida",
        "last_name": "Ørum",
        "role": "teacher",
        "school": "",
        "company": "",
        "language": "da",
    }
    return data | overrides


def test_consultant_invites_a_teacher_from_the_invite_page(consultant, school, django_capture_on_commit_callbacks):
    web = web_client(consultant)
    assert web.get("/people/invite/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/people/invite/", invite_data(school=school.pk), follow=True)

    assert response.redirect_chain == [("/people/invite/", 302)]
    user = User.objects.get(email="ny.laerer@skole.dk")
    assert user.teacher.school == school
    assert "Ida Ørum er inviteret til" in response.content.decode()
    assert mail.outbox[0].to == ["Ida Ørum <ny.laerer@skole.dk>"]


@pytest.mark.parametrize("role", ["host", "admin"])
def test_consultant_invites_a_host_or_administrator_to_a_company(consultant, company, role):
    response = web_client(consultant).post("/people/invite/", invite_data(role=role, company=company.pk))

    assert response.status_code == 302
    member = company.members.get(user__email="ny.laerer@skole.dk")
    assert member.role == role


def test_consultant_sees_when_an_existing_account_joined(consultant, company, other_host):
    response = web_client(consultant).post(
        "/people/invite/", invite_data(role="host", company=company.pk, email=other_host.user.email), follow=True
    )

    assert "havde allerede en konto" in response.content.decode()
    assert User.objects.filter(email=other_host.user.email).count() == 1


def test_menu_offers_invite_people_to_consultants_only(consultant, teacher, host):
    assert 'href="/people/invite/"' in web_client(consultant).get("/offers/").content.decode()
    for user in (teacher.user, host.user):
        assert 'href="/people/invite/"' not in web_client(user).get("/").content.decode()


SCHOOL = "<the school's id>"


def teacher_data(**overrides) -> dict:
    return invite_data(school=SCHOOL) | overrides


INVITE_GARBAGE = [
    ({}, {"email", "first_name", "last_name", "role", "language"}),
    (teacher_data(email="not-an-address"), {"email"}),
    (teacher_data(email="x" * 300 + "@skole.dk"), {"email"}),
    (teacher_data(first_name="x" * 300, last_name="y" * 300), {"first_name", "last_name"}),
    (teacher_data(first_name="\x00", last_name="   "), {"first_name", "last_name"}),
    (teacher_data(role="owner"), {"role"}),
    (teacher_data(language="sv"), {"language"}),
    (invite_data(school=""), {"school"}),
    (invite_data(school="abc"), {"school"}),
    (invite_data(school="9" * 30), {"school"}),
    (invite_data(role="host", company=""), {"company"}),
    (invite_data(role="admin", company="-1"), {"company"}),
    (invite_data(role="host", company="99999999999999999999"), {"company"}),
]


@pytest.mark.parametrize(("data", "fields"), INVITE_GARBAGE)
def test_invite_page_answers_garbage_with_a_message_per_field(consultant, school, data, fields):
    """Never a 500, never a half-made account: the form again, each bad field with its message."""
    users_before = User.objects.count()
    data = {name: school.pk if value == SCHOOL else value for name, value in data.items()}

    response = web_client(consultant).post("/people/invite/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    assert User.objects.count() == users_before


def test_invite_page_shows_a_service_refusal_next_to_the_e_mail(consultant, school, other_teacher):
    """A teacher at another school cannot be invited to this one; the reason shows by the address."""
    response = web_client(consultant).post(
        "/people/invite/", invite_data(school=school.pk, email=other_teacher.user.email)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Brugeren er allerede lærer på en skole."]


# A company's administrators manage its people ----------------------------------------------


@pytest.fixture
def admin(company):
    return factories.CompanyMemberFactory(
        company=company, role=CompanyMember.Role.ADMIN, user__username="chef", user__first_name="Hanne"
    )


def company_url(company, rest: str = "") -> str:
    return f"/host/company/{company.pk}/{rest}"


def test_menu_leads_a_member_to_their_company_page(admin):
    web = web_client(admin.user)

    assert 'href="/host/company/"' in web.get("/").content.decode()
    assert web.get("/host/company/")["Location"] == company_url(admin.company)


def test_admin_sees_colleagues_and_role_models_with_their_controls(admin, host):
    factories.RoleModelFactory(company=admin.company, name="Maja Vestergaard")

    page = web_client(admin.user).get(company_url(admin.company)).content.decode()

    assert host.user.get_full_name() in page
    assert "Maja Vestergaard" in page
    assert f'action="{company_url(admin.company, f"members/{host.pk}/role/")}"' in page
    assert f'action="{company_url(admin.company, "invite/")}"' in page


def test_host_sees_the_page_read_only_with_whom_to_ask(admin, host):
    page = web_client(host.user).get(company_url(host.company)).content.decode()

    assert host.user.get_full_name() in page
    assert "/members/" not in page
    assert "/invite/" not in page
    assert "/role-models/new/" not in page
    assert admin.user.email in page


def test_admin_invites_a_colleague_from_the_company_page(admin, django_capture_on_commit_callbacks):
    data = {"email": "kollega@nordvind.dk", "first_name": "Kim", "last_name": "Dahl", "role": "host", "language": "en"}

    with django_capture_on_commit_callbacks(execute=True):
        response = web_client(admin.user).post(company_url(admin.company, "invite/"), data)

    assert response["Location"] == company_url(admin.company)
    assert admin.company.members.get(user__email="kollega@nordvind.dk").role == "host"
    assert mail.outbox[0].subject == "You are invited to Brobyg"


def test_admin_changes_a_colleagues_role(admin, host):
    web_client(admin.user).post(company_url(admin.company, f"members/{host.pk}/role/"), {"role": "admin"})

    host.refresh_from_db()
    assert host.role == "admin"


def test_last_admin_is_told_why_they_cannot_step_down(admin):
    response = web_client(admin.user).post(
        company_url(admin.company, f"members/{admin.pk}/role/"), {"role": "host"}, follow=True
    )

    assert "En virksomhed har altid mindst én administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_admin_removes_a_colleague(admin, host):
    response = web_client(admin.user).post(company_url(admin.company, f"members/{host.pk}/remove/"))

    assert response["Location"] == company_url(admin.company)
    assert not CompanyMember.objects.filter(pk=host.pk).exists()


def test_last_admin_cannot_remove_themselves(admin, host):
    response = web_client(admin.user).post(company_url(admin.company, f"members/{admin.pk}/remove/"), follow=True)

    assert "En virksomhed har altid mindst én administrator" in response.content.decode()
    assert CompanyMember.objects.filter(pk=admin.pk).exists()


def test_an_admin_who_leaves_goes_home(admin, host):
    CompanyMember.objects.filter(pk=host.pk).update(role=CompanyMember.Role.ADMIN)

    response = web_client(admin.user).post(company_url(admin.company, f"members/{admin.pk}/remove/"))

    assert response["Location"] == "/"


def test_admin_adds_and_edits_a_role_model(admin):
    web = web_client(admin.user)
    data = {
        "name": "Maja Vestergaard",
        "job_title": "Elektriker",
        "education_path": "EUX el",
        "is_young_ambassador": "on",
        "email": "maja@nordvind.dk",
    }

    assert web.post(company_url(admin.company, "role-models/new/"), data).status_code == 302
    role_model = RoleModel.objects.get(company=admin.company)
    assert role_model.is_young_ambassador
    web.post(company_url(admin.company, f"role-models/{role_model.pk}/"), data | {"job_title": "Ingeniør"})
    role_model.refresh_from_db()
    assert role_model.job_title == "Ingeniør"


def test_another_companys_member_or_role_model_answers_404(admin, other_host):
    stranger_model = factories.RoleModelFactory(company=other_host.company)
    web = web_client(admin.user)

    assert web.post(company_url(admin.company, f"members/{other_host.pk}/remove/")).status_code == 404
    assert web.post(company_url(admin.company, f"members/{other_host.pk}/role/"), {"role": "admin"}).status_code == 404
    assert web.get(company_url(admin.company, f"role-models/{stranger_model.pk}/")).status_code == 404
    assert web.get(company_url(other_host.company)).status_code == 404
    assert CompanyMember.objects.filter(pk=other_host.pk, role="host").exists()


ROLE_MODEL_GARBAGE = [
    ({}, {"name", "job_title"}),
    ({"name": "x" * 300, "job_title": "y" * 300}, {"name", "job_title"}),
    ({"name": "Maja", "job_title": "Elektriker", "email": "not-an-address"}, {"email"}),
    ({"name": "\x00", "job_title": "Elektriker"}, {"name"}),
]


@pytest.mark.parametrize(("data", "fields"), ROLE_MODEL_GARBAGE)
def test_role_model_form_answers_garbage_with_a_message_per_field(admin, data, fields):
    response = web_client(admin.user).post(company_url(admin.company, "role-models/new/"), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    assert not RoleModel.objects.exists()


COLLEAGUE_GARBAGE = [
    ({}, {"email", "first_name", "last_name", "role", "language"}),
    (
        {"email": "x@", "first_name": "x" * 300, "last_name": "", "role": "owner", "language": "da"},
        {"email", "first_name", "last_name", "role"},
    ),
    (
        {"email": "ok@nordvind.dk", "first_name": "A", "last_name": "B", "role": "teacher", "language": "xx"},
        {"role", "language"},
    ),
]


@pytest.mark.parametrize(("data", "fields"), COLLEAGUE_GARBAGE)
def test_colleague_invite_answers_garbage_on_the_page(admin, data, fields):
    users_before = User.objects.count()

    response = web_client(admin.user).post(company_url(admin.company, "invite/"), data)

    assert response.status_code == 200
    errors = response.context["invite_form"].errors
    assert set(errors) == fields
    assert User.objects.count() == users_before


@pytest.mark.parametrize(
    "path",
    [
        "members/{member}/role/",
        "members/99999999999999999999/role/",
        "members/0/remove/",
        "members/99999999999999999999/remove/",
    ],
)
@pytest.mark.parametrize("data", [{}, {"role": ""}, {"role": "owner"}, {"role": "9" * 300}, {"role": "\x00"}])
def test_member_actions_answer_garbage_without_a_500(admin, host, path, data):
    response = web_client(admin.user).post(company_url(admin.company, path.format(member=host.pk)), data)

    assert response.status_code in {302, 404}
    host.refresh_from_db()
    assert host.role == "host"


def test_both_admins_and_hosts_manage_offers(admin, host):
    """CompanyMember.role decides who manages people, not who manages offers."""
    for member in (admin, host):
        assert web_client(member.user).get("/host/offers/").status_code == 200


# The e-mails -------------------------------------------------------------------------------


def test_invitation_e_mail_has_text_and_html_in_the_invitees_language_and_skips_the_outbox(
    consultant, django_capture_on_commit_callbacks
):
    """Account e-mails go straight through Django's mail (no outbox row); the HTML part is
    marked with the invitee's language and escapes what people typed."""
    company = factories.CompanyFactory(name="Smed & Søn <A/S>")
    consultant.first_name, consultant.last_name = "Kirsten", "Krog"
    consultant.save()

    with django_capture_on_commit_callbacks(execute=True):
        company_member_invite(
            actor=consultant,
            company=company,
            email="ny@smed.dk",
            first_name="Ny",
            last_name="Smed",
            language="en",
        )

    [message] = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert "Kirsten Krog has invited you to Brobyg as a host for Smed &amp; Søn &lt;A/S&gt;." in html
    assert "Kirsten Krog has invited you to Brobyg as a host for Smed & Søn <A/S>." in message.body
    assert message.body.startswith("Dear Ny Smed,")
    assert OutgoingMessage.objects.count() == 0


def test_no_e_mail_when_the_invitation_is_rolled_back(consultant, company, django_capture_on_commit_callbacks):
    """The e-mail waits for the commit: an invitation undone by a later error sends nothing."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        company_member_invite(
            actor=consultant, company=company, email="ny@smed.dk", first_name="Ny", last_name="Smed", language="da"
        )
        raise RuntimeError

    assert mail.outbox == []
    assert not User.objects.filter(email="ny@smed.dk").exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"new_password1": "Limfjorden-77", "new_password2": "Limfjorden-78"},
        {"new_password1": "123", "new_password2": "123"},
        {"new_password1": "x" * 5000, "new_password2": "y"},
        {"new_password1": "\x00", "new_password2": "\x00"},
    ],
)
def test_choosing_a_password_answers_garbage_with_messages(
    consultant, school, data, django_capture_on_commit_callbacks
):
    """A bad password shows the form again with its reasons; the account stays without one."""
    with django_capture_on_commit_callbacks(execute=True):
        user = teacher_invite(
            actor=consultant, school=school, email="ny@skole.dk", first_name="Ny", last_name="Lærer", language="da"
        ).user
    client = Client()
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(form_page.redirect_chain[-1][0], data)

    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert not user.has_usable_password()
