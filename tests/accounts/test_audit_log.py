"""The audit log: state changes are recorded in their own transaction, refused authorisations
after the answer, the log is append-only, and only administrators read it in the admin."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse

from accounts.audit import AuditMiddleware
from accounts.models import AuditEntry, AuditLogAppendOnly
from bookings.services import offer_update
from core.errors import DomainError
from schools import services as school_services
from tests import factories
from tests.conftest import client_for


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


@pytest.mark.django_db
def test_a_service_records_its_change_with_actor_and_target(teacher, school_class):
    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z", pupils=20)
    [entry] = entries("schools.class.update")
    assert (entry.actor, entry.target_type, entry.target_id, entry.outcome) == (
        teacher.user,
        "schools.schoolclass",
        school_class.pk,
        AuditEntry.Outcome.DONE,
    )
    assert entry.details == {"fields": ["name", "pupils"]}


@pytest.mark.django_db
def test_a_deletion_names_what_it_deleted(teacher, school_class):
    school_class_id = school_class.pk
    school_services.school_class_delete(actor=teacher.user, school_class=school_class)
    [entry] = entries("schools.class.delete")
    assert (entry.target_type, entry.target_id) == ("schools.schoolclass", school_class_id)


@pytest.mark.django_db
def test_a_refused_change_leaves_no_done_entry(teacher, other_class):
    """Another school's class: the service refuses, nothing is recorded as done."""
    with pytest.raises(Exception):  # noqa: B017 - whichever refusal, nothing may be recorded as done
        school_services.school_class_update(actor=teacher.user, school_class=other_class, name="8.Z")
    assert not AuditEntry.objects.filter(outcome=AuditEntry.Outcome.DONE).exists()


@pytest.mark.django_db
def test_a_service_without_an_actor_names_the_user_of_the_request(rf, school):
    """school_update takes no actor; called while a request is served, its entry names the
    request's user."""
    consultant = factories.UserFactory(is_consultant=True)
    request = rf.post("/")
    request.user = consultant

    def view(request):
        school_services.school_update(school=school, name="Ny skole")
        return HttpResponse("ok")

    assert AuditMiddleware(view)(request).status_code == 200
    [entry] = entries("schools.school.update")
    assert entry.actor == consultant


@pytest.mark.django_db
def test_a_scoped_404_is_recorded_as_refused(teacher, other_class):
    response = client_for(teacher.user).get(f"/api/v1/classes/{other_class.pk}/")
    assert response.status_code == 404
    [entry] = AuditEntry.objects.filter(outcome=AuditEntry.Outcome.REFUSED)
    assert entry.actor == teacher.user
    assert entry.details["status"] == 404
    assert entry.details["ids"] == {"pk": other_class.pk}


@pytest.mark.django_db
def test_another_schools_deletion_attempt_is_recorded_as_refused(teacher, school_class, other_teacher):
    response = client_for(other_teacher.user).delete(f"/api/v1/classes/{school_class.pk}/")
    assert response.status_code in (403, 404)
    [entry] = AuditEntry.objects.filter(outcome=AuditEntry.Outcome.REFUSED)
    assert entry.actor == other_teacher.user


@pytest.mark.django_db
def test_an_unknown_address_is_not_a_refusal(teacher):
    assert client_for(teacher.user).get("/api/v1/no-such-thing/").status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_api_request_is_recorded_as_refused(api_client):
    assert api_client.get("/api/v1/classes/").status_code in (401, 403)
    [entry] = AuditEntry.objects.filter(outcome=AuditEntry.Outcome.REFUSED)
    assert entry.actor is None


@pytest.mark.django_db
def test_a_refused_web_sign_in_names_the_account_but_not_what_was_typed(client):
    user = factories.UserFactory(username="lene@skole.dk", email="lene@skole.dk")
    response = client.post(reverse("login"), {"username": "Lene@skole.dk", "password": "wrong"})
    assert response.status_code == 200
    [entry] = entries("accounts.sign_in.refuse")
    assert (entry.actor, entry.outcome) == (user, AuditEntry.Outcome.REFUSED)
    assert "wrong" not in str(entry.details) and "lene" not in str(entry.details).lower()


@pytest.mark.django_db
def test_a_refused_token_request_for_an_unknown_name_records_no_name(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "nobody@x.dk", "password": "x"}, format="json")
    assert response.status_code == 400
    [entry] = entries("accounts.sign_in.refuse")
    assert entry.actor is None
    assert entry.details["account_known"] is False
    assert "nobody" not in str(entry.details)


@pytest.mark.django_db
def test_an_entry_cannot_be_changed_or_deleted(teacher, school_class):
    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z")
    entry = AuditEntry.objects.get()
    entry.action = "something.else"
    with pytest.raises(AuditLogAppendOnly):
        entry.save()
    with pytest.raises(AuditLogAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.update(action="x")
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "schools.class.update"


@pytest.mark.django_db
def test_erasure_may_blank_who_and_the_details_only(teacher, school_class):
    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z")
    AuditEntry.objects.filter(actor=teacher.user).blank_for_erasure()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.details, entry.action, entry.target_id) == (
        None,
        {},
        "schools.class.update",
        school_class.pk,
    )


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries_without_them(teacher, school_class):
    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z")
    user = factories.UserFactory()
    AuditEntry.objects.create(at=school_class.created_at, actor=user, action="x.y.z")
    user.delete()
    assert AuditEntry.objects.filter(action="x.y.z", actor__isnull=True).exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_a_raw_change_or_deletion(teacher, school_class):
    from django.db import DatabaseError, transaction

    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z")
    table = AuditEntry._meta.db_table
    for statement in (f"UPDATE {table} SET action = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_id = NULL, details = '{{}}'::jsonb")
    assert AuditEntry.objects.get().actor is None


@pytest.mark.django_db
def test_the_admin_shows_the_log_read_only_to_administrators_only(client, teacher, school_class):
    school_services.school_class_update(actor=teacher.user, school_class=school_class, name="8.Z")
    entry = AuditEntry.objects.get()
    staff = factories.UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 403
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_auditentry_changelist"), {"outcome__exact": "done"})
    assert page.status_code == 200
    assert "schools.class.update" in page.content.decode()
    assert client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_change_in_the_admin_is_recorded(client, school):
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    teacher_user = factories.UserFactory(first_name="Old")
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[teacher_user.pk]))
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data |= {
        "first_name": "New",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    client.post(reverse("admin:accounts_user_change", args=[teacher_user.pk]), data)
    teacher_user.refresh_from_db()
    assert teacher_user.first_name == "New"
    [entry] = entries("admin.accounts.user.change")
    assert (entry.actor, entry.target_type, entry.target_id) == (admin_user, "accounts.user", teacher_user.pk)


@pytest.mark.django_db
def test_a_new_password_is_recorded_but_a_new_account_is_not():
    user = factories.UserFactory()
    assert not entries("accounts.user.password_set")
    user.set_password("a new secret 123")
    user.save()
    [entry] = entries("accounts.user.password_set")
    assert (entry.actor, entry.target_id) == (user, user.pk)
    assert "secret" not in str(entry.details)


@pytest.mark.django_db
def test_a_services_refusal_is_written_after_the_rollback_naming_action_and_target(rf, host, other_host):
    """A service refuses (not_allowed) inside its transaction, which rolls back; the middleware
    writes the refusal once the request has been answered."""
    offer = factories.OfferFactory(company=other_host.company)
    request = rf.post("/")
    request.user = host.user

    def view(request):
        try:
            offer_update(offer=offer, actor=host.user, title="Mit nu")
        except DomainError as error:
            return HttpResponse(status=403 if error.code == "not_allowed" else 400)
        return HttpResponse("ok")

    assert AuditMiddleware(view)(request).status_code == 403
    [entry] = AuditEntry.objects.all()
    assert (entry.actor, entry.outcome, entry.action, entry.target_type, entry.target_id) == (
        host.user,
        AuditEntry.Outcome.REFUSED,
        "bookings.offer.update",
        "bookings.offer",
        offer.pk,
    )


@pytest.mark.django_db
def test_a_page_of_another_companys_offer_is_recorded_as_refused(client, host, other_host):
    offer = factories.OfferFactory(company=other_host.company)
    client.force_login(host.user)
    response = client.get(reverse("host-offer", args=[offer.pk]))
    assert response.status_code in (403, 404)
    [entry] = AuditEntry.objects.filter(outcome=AuditEntry.Outcome.REFUSED)
    assert entry.actor == host.user
    assert entry.details["view"] == "host-offer"
    assert entry.details["ids"] == {"offer_id": offer.pk}


@pytest.mark.django_db
def test_a_personal_links_token_is_not_kept_when_refused(client):
    response = client.get("/feedback/not-a-real-token-123/")
    refused = AuditEntry.objects.filter(outcome=AuditEntry.Outcome.REFUSED)
    assert all("not-a-real-token" not in str(entry.details) for entry in refused)
    assert response.status_code < 500
