"""The audit log's write: an entry names who did what to which object, and is saved or lost
together with the change it records."""

import pytest
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEntry
from tests import factories


@pytest.mark.django_db
def test_an_entry_names_actor_action_and_target():
    school = factories.SchoolFactory()
    teacher = factories.TeacherFactory(school=school)
    entry = audit_record(actor=teacher.user, action="schools.school.update", target=school, details={"field": "name"})
    entry.refresh_from_db()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        teacher.user,
        "schools.school.update",
        "schools.school",
        school.pk,
    )
    assert entry.outcome == AuditEntry.Outcome.DONE


@pytest.mark.django_db
def test_an_entry_is_rolled_back_with_the_change_it_records():
    school = factories.SchoolFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="schools.school.delete", target=school)
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()
