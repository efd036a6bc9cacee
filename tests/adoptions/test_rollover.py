# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""Renewal answers and the end of a school year: confirmed 8th-grade adoptions continue into
9th grade with next year's row of the class; the others end and stay in history."""

import pytest
from django.core.management import call_command

from adoptions.models import Adoption, PlanChange
from adoptions.services import adoption_create, renewal_answer, school_year_roll_over
from core.errors import DomainError
from schools.models import SchoolClass
from tests import factories
from tests.adoptions.plan_helpers import adoption, area_consultant, far_consultant, plan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def confirm(adoption, teacher, host) -> None:
    renewal_answer(actor=teacher.user, adoption=adoption, wants=True)
    renewal_answer(actor=host.user, adoption=adoption, wants=True)


def test_each_side_answers_for_itself_and_the_history_says_so(adoption, teacher, host):
    renewal_answer(actor=teacher.user, adoption=adoption, wants=True)
    renewal_answer(actor=host.user, adoption=adoption, wants=False)
    adoption.refresh_from_db()
    assert (adoption.school_wants_renewal, adoption.company_wants_renewal) == (True, False)
    assert not adoption.renewal_confirmed
    assert {change.actor for change in PlanChange.objects.filter(plan=adoption.plan)} == {teacher.user, host.user}


def test_consultant_answers_for_a_named_side(adoption, area_consultant):
    with pytest.raises(DomainError) as caught:
        renewal_answer(actor=area_consultant, adoption=adoption, wants=True)
    assert caught.value.code == "side_required"
    renewal_answer(actor=area_consultant, adoption=adoption, wants=True, side="company")
    adoption.refresh_from_db()
    assert adoption.company_wants_renewal is True
    assert adoption.school_wants_renewal is None


def test_outsiders_cannot_answer(adoption, other_teacher, other_host, far_consultant):
    for actor in (other_teacher.user, other_host.user, far_consultant):
        with pytest.raises(DomainError) as caught:
            renewal_answer(actor=actor, adoption=adoption, wants=True, side="school")
        assert caught.value.code == "not_allowed"


def test_a_9th_grade_adoption_is_not_renewed(company, teacher):
    ninth = factories.SchoolClassFactory(school=teacher.school, name="9.C", grade=9)
    adoption = adoption_create(school_class=ninth, company=company)
    with pytest.raises(DomainError) as caught:
        renewal_answer(actor=teacher.user, adoption=adoption, wants=True)
    assert caught.value.code == "not_renewable"


def test_only_a_running_8th_grade_adoption_of_this_school_year_is_asked_to_continue(adoption, company, teacher):
    """Next year's 8th-grade adoption (from a round) and an ended one are not renewed: the
    question belongs to the class's 8th-grade year as it runs."""
    next_year = factories.SchoolClassFactory(school=teacher.school, grade=8, school_year=adoption.school_year + 1)
    planned = adoption_create(school_class=next_year, company=company)
    Adoption.objects.filter(pk=adoption.pk).update(status=Adoption.Status.ENDED)
    adoption.refresh_from_db()
    for refused in (planned, adoption):
        with pytest.raises(DomainError) as caught:
            renewal_answer(actor=teacher.user, adoption=refused, wants=True)
        assert caught.value.code == "not_renewable"
        refused.refresh_from_db()
        assert refused.school_wants_renewal is None


def test_confirmed_8th_grade_adoption_continues_with_next_years_class(adoption, teacher, host, school_class):
    """The class's next-year row is made (9.A, same pupils, previous set) with a new adoption and plan."""
    confirm(adoption, teacher, host)
    result = school_year_roll_over(school_year=school_class.school_year)
    assert (result.continued, result.ended) == (1, 0)
    adoption.refresh_from_db()
    assert adoption.status == Adoption.Status.ENDED
    assert adoption.ended_at is not None
    following = SchoolClass.objects.get(previous=school_class)
    assert (following.name, following.grade, following.school_year, following.pupils) == (
        "9.A",
        9,
        school_class.school_year + 1,
        school_class.pupils,
    )
    renewed = adoption.renewed_as
    assert (renewed.school_class, renewed.company, renewed.status) == (following, adoption.company, "active")
    assert renewed.school_year == school_class.school_year + 1
    assert renewed.plan.activities.count() == 0


def test_existing_next_year_row_is_used(adoption, teacher, host, school_class):
    existing = factories.SchoolClassFactory(
        school=school_class.school, name="9.A", grade=9, school_year=school_class.school_year + 1, pupils=23
    )
    confirm(adoption, teacher, host)
    school_year_roll_over(school_year=school_class.school_year)
    existing.refresh_from_db()
    assert existing.previous == school_class
    assert Adoption.objects.get(renewal_of=adoption).school_class == existing


def test_unconfirmed_and_9th_grade_adoptions_end_and_stay_in_history(adoption, teacher, company, school_class):
    renewal_answer(actor=teacher.user, adoption=adoption, wants=True)  # the company has not answered
    ninth = factories.SchoolClassFactory(school=teacher.school, name="9.C", grade=9)
    ninth_adoption = adoption_create(school_class=ninth, company=company)
    result = school_year_roll_over(school_year=school_class.school_year)
    assert (result.continued, result.ended) == (0, 2)
    for ended in (adoption, ninth_adoption):
        ended.refresh_from_db()
        assert ended.status == Adoption.Status.ENDED
    assert not SchoolClass.objects.filter(previous=school_class).exists()
    # Still in the history of the class, the school and the company.
    assert school_class.adoptions.count() == 1
    assert company.adoptions.count() == 2
    assert Adoption.objects.filter(school_class__school=teacher.school).count() == 2


def test_roll_over_twice_changes_nothing_more(adoption, teacher, host, school_class):
    confirm(adoption, teacher, host)
    school_year_roll_over(school_year=school_class.school_year)
    again = school_year_roll_over(school_year=school_class.school_year)
    assert (again.continued, again.ended) == (0, 0)
    assert Adoption.objects.count() == 2
    assert SchoolClass.objects.filter(previous=school_class).count() == 1


def test_roll_over_leaves_other_school_years_alone(adoption, school_class):
    school_year_roll_over(school_year=school_class.school_year - 1)
    adoption.refresh_from_db()
    assert adoption.status == Adoption.Status.ACTIVE


def test_management_command_rolls_over_the_given_year(adoption, teacher, host, school_class, capsys):
    confirm(adoption, teacher, host)
    call_command("roll_over_school_year", school_year=school_class.school_year)
    assert "1 adoptions continued" in capsys.readouterr().out
    assert Adoption.objects.filter(renewal_of=adoption).exists()


def test_next_years_class_already_adopted_keeps_its_adoption(adoption, teacher, host, school_class, other_host):
    """If next year's row of the class was adopted meanwhile (by a round), the roll-over ends
    the 8th-grade adoption and leaves the other one alone instead of failing."""
    confirm(adoption, teacher, host)
    following = factories.SchoolClassFactory(
        school=school_class.school, name="9.A", grade=9, school_year=school_class.school_year + 1, previous=school_class
    )
    other = adoption_create(school_class=following, company=other_host.company)
    result = school_year_roll_over(school_year=school_class.school_year)
    assert (result.continued, result.ended) == (0, 1)
    other.refresh_from_db()
    assert other.status == Adoption.Status.ACTIVE
    assert not Adoption.objects.filter(renewal_of=adoption).exists()
