"""Matching runs with the database: starting one queues the task, running it reads the round
(wishes in the area, capacities, renewals, history, rules, priorities), stores the proposal
and the report, and accepting makes the adoptions and tells both sides."""

from __future__ import annotations

import pytest

from adoptions import services
from adoptions.messages import render
from adoptions.models import (
    Adoption,
    AdoptionRound,
    ClassWish,
    MatchRun,
    PairRule,
    ProposedPair,
)
from adoptions.services.runs import match_input_for, pair_reasons
from core.errors import DomainError
from core.models import Municipality, Sector
from notifications.models import OutgoingMessage
from notifications.registry import message_source
from tests import factories
from tests.adoptions.round_fixtures import AALBORG, HJORRING, MORSOE, next_school_year

NEXT_YEAR = next_school_year()


def make_round(*codes: int, outlying: tuple[int, ...] = (), **fields) -> AdoptionRound:
    adoption_round = factories.AdoptionRoundFactory(
        title="Brobyg Nord", school_year=NEXT_YEAR, municipalities=codes or (AALBORG, HJORRING), **fields
    )
    adoption_round.outlying_municipalities.set(outlying)
    return adoption_round


def company(code: int = AALBORG, *, places: int = 1, round: AdoptionRound, sector: str = "energy", **extra):
    """A company at the seat of municipality `code`, with `places` classes in the round."""
    seat = Municipality.objects.get(code=code)
    return factories.CompanyCapacityFactory(
        round=round,
        company__municipality=seat,
        company__latitude=seat.latitude,
        company__longitude=seat.longitude,
        company__sector=Sector.objects.get(code=sector),
        classes=places,
        **extra,
    ).company


def school_class(code: int = AALBORG, *, grade: int = 8, year: int = NEXT_YEAR, school=None, **extra):
    seat = Municipality.objects.get(code=code)
    school = school or factories.SchoolFactory(municipality=seat, latitude=seat.latitude, longitude=seat.longitude)
    return factories.SchoolClassFactory(school=school, grade=grade, school_year=year, **extra)


def wish(round: AdoptionRound, klass, *choices, travel: int = 60) -> ClassWish:
    """The class's wishes in order: each a company or a sector's code."""
    made = factories.ClassWishFactory(round=round, school_class=klass, max_travel_km=travel)
    for rank, choice in enumerate(choices, start=1):
        chosen = (
            {"sector": Sector.objects.get(code=choice)}
            if isinstance(choice, str)
            else {"company": choice, "sector": None}
        )
        factories.WishChoiceFactory(wish=made, rank=rank, **chosen)
    return made


def executed(consultant, adoption_round, **kwargs) -> MatchRun:
    run = services.run_start(actor=consultant, round=adoption_round, **kwargs)
    return services.run_execute(run_id=run.pk)


def proposal(run: MatchRun) -> dict:
    return {pair.school_class_id: pair for pair in run.pairs.all()}


def test_starting_a_run_queues_the_task_that_runs_it_after_commit(consultant, django_capture_on_commit_callbacks):
    """The task runs inline in tests (sync cluster): after the commit the run is done."""
    adoption_round = make_round()
    klass = school_class()
    wish(adoption_round, klass, company(round=adoption_round))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.run_start(actor=consultant, round=adoption_round, seed=42)
        assert run.status == MatchRun.Status.QUEUED

    run.refresh_from_db()
    assert len(callbacks) == 1
    assert (run.status, run.progress, run.stage, run.seed) == (MatchRun.Status.DONE, 100, "done", 42)
    assert run.solver_seconds is not None and run.total_seconds >= run.solver_seconds
    assert set(run.report) == {"optimal", "greedy"}
    assert proposal(run)[klass.pk].basis == ProposedPair.Basis.MATCHED


def test_a_second_run_cannot_start_while_one_is_under_way(consultant):
    adoption_round = make_round()
    services.run_start(actor=consultant, round=adoption_round)

    with pytest.raises(DomainError) as refused:
        services.run_start(actor=consultant, round=adoption_round)

    assert refused.value.code == "run_under_way"


def test_only_a_consultant_whose_area_covers_the_round_starts_a_run(consultant, teacher):
    adoption_round = make_round(AALBORG)
    elsewhere = factories.UserFactory(username="vest", is_consultant=True)
    elsewhere.area.set([MORSOE])

    for actor in (teacher.user, elsewhere):
        with pytest.raises(DomainError) as refused:
            services.run_start(actor=actor, round=adoption_round)
        assert refused.value.code == "not_allowed"


def test_the_optimum_is_stored_beside_the_greedy_baseline(consultant):
    """A wishes X then Y, B wishes only X: the proposal adopts both, greedy one."""
    adoption_round = make_round()
    x, y = company(round=adoption_round), company(round=adoption_round)
    a, b = school_class(), school_class()
    wish(adoption_round, a, x, y)
    wish(adoption_round, b, x)

    run = executed(consultant, adoption_round)

    assert {key: pair.company_id for key, pair in proposal(run).items()} == {a.pk: y.pk, b.pk: x.pk}
    assert (run.report["optimal"]["adopted"], run.report["greedy"]["adopted"]) == (2, 1)
    assert proposal(run)[a.pk].wish_rank == 2


def test_only_classes_with_wishes_whose_school_is_in_the_area_are_matched(consultant):
    adoption_round = make_round(AALBORG)
    x = company(round=adoption_round, places=5)
    inside, outside, silent = school_class(), school_class(MORSOE), school_class()
    wish(adoption_round, inside, x)
    wish(adoption_round, outside, x, travel=500)

    run = executed(consultant, adoption_round)

    assert set(proposal(run)) == {inside.pk}
    assert silent.pk not in proposal(run)


def test_renewals_are_kept_first_and_lower_the_places(consultant):
    """Last year's 8th-grade adoption, confirmed by both sides, continues with the class's
    9th-grade row; the company's one place is then taken, so the wishing class is left out."""
    adoption_round = make_round()
    x = company(round=adoption_round)
    last_year = school_class(year=NEXT_YEAR - 1)
    this_year = school_class(grade=9, school=last_year.school, previous=last_year)
    Adoption.objects.create(
        school_class=last_year,
        company=x,
        school_year=NEXT_YEAR - 1,
        school_wants_renewal=True,
        company_wants_renewal=True,
    )
    other = school_class()
    wish(adoption_round, other, x)

    run = executed(consultant, adoption_round)

    assert proposal(run)[this_year.pk].basis == ProposedPair.Basis.RENEWAL
    assert proposal(run)[this_year.pk].company_id == x.pk
    assert pair_reasons(proposal(run)[other.pk]) == [
        "fortsættelser og låste par har taget den ønskede virksomheds pladser"
    ]


def test_a_class_is_not_given_a_company_its_earlier_self_had(consultant):
    adoption_round = make_round()
    x = company(round=adoption_round)
    last_year = school_class(year=NEXT_YEAR - 1)
    klass = school_class(grade=9, school=last_year.school, previous=last_year)
    Adoption.objects.create(school_class=last_year, company=x, school_year=NEXT_YEAR - 1, status="ended")
    wish(adoption_round, klass, x)

    run = executed(consultant, adoption_round)

    assert proposal(run)[klass.pk].company_id is None
    assert proposal(run)[klass.pk].reason == "already_had"


def test_priorities_come_from_the_round_and_decide_who_is_adopted(consultant):
    """One place in Aalborg; the Hjørring class is farther but its municipality is outlying."""
    adoption_round = make_round(outlying=(HJORRING,))
    x = company(round=adoption_round, max_travel_km=80)
    near, far = school_class(), school_class(HJORRING)
    wish(adoption_round, near, x)
    wish(adoption_round, far, x)

    run = executed(consultant, adoption_round)

    assert proposal(run)[far.pk].company_id == x.pk
    assert set(proposal(run)[far.pk].priorities) == {"outlying", "never_adopted"}
    assert proposal(run)[far.pk].priority_bonus == 300
    assert run.report["optimal"]["priorities"]["outlying"]["share"] == 1.0


def test_grey_zone_schools_get_their_priority(consultant):
    adoption_round = make_round()
    klass = school_class()
    adoption_round.grey_zone_schools.set([klass.school])
    wish(adoption_round, klass, company(round=adoption_round))

    data, _ = match_input_for(adoption_round, seed=0)

    assert "grey_zone" in data.classes[0].priorities


def test_locks_and_forbidden_pairs_are_kept_and_carry_their_reasons(consultant):
    adoption_round = make_round()
    x, y = company(round=adoption_round), company(round=adoption_round)
    a, b = school_class(), school_class()
    wish(adoption_round, a, x)
    wish(adoption_round, b, x, y)
    services.pair_lock(actor=consultant, round=adoption_round, school_class=b, company=x, reason="Samme bydel")
    services.pair_forbid(actor=consultant, round=adoption_round, school_class=a, company=y, reason="Konflikt")

    run = executed(consultant, adoption_round)

    assert proposal(run)[b.pk].basis == ProposedPair.Basis.LOCKED
    assert proposal(run)[b.pk].reason == "Samme bydel"
    assert proposal(run)[a.pk].company_id is None


def test_a_rule_needs_a_reason(consultant):
    adoption_round = make_round()
    klass, x = school_class(), company(round=adoption_round)
    wish(adoption_round, klass, x)

    with pytest.raises(DomainError) as refused:
        services.pair_forbid(actor=consultant, round=adoption_round, school_class=klass, company=x, reason="  ")

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


def test_a_lock_beyond_the_company_places_is_refused(consultant):
    adoption_round = make_round()
    x = company(round=adoption_round)
    a, b = school_class(), school_class()
    wish(adoption_round, a, x)
    wish(adoption_round, b, x)
    services.pair_lock(actor=consultant, round=adoption_round, school_class=a, company=x, reason="Ønsket af skolen")

    with pytest.raises(DomainError) as refused:
        services.pair_lock(actor=consultant, round=adoption_round, school_class=b, company=x, reason="Også")

    assert refused.value.code == "lock_over_capacity"


def test_a_run_whose_locks_overfill_a_company_fails_with_a_clear_message(consultant):
    """The company lowered its places after the lock: the run says which company and what to do."""
    adoption_round = make_round()
    x = company(round=adoption_round)
    a = school_class()
    wish(adoption_round, a, x)
    services.pair_lock(actor=consultant, round=adoption_round, school_class=a, company=x, reason="Aftalt")
    Adoption.objects.create(
        school_class=school_class(year=NEXT_YEAR - 1),
        company=x,
        school_year=NEXT_YEAR - 1,
        school_wants_renewal=True,
        company_wants_renewal=True,
    )
    renewed = Adoption.objects.latest("id").school_class
    school_class(grade=9, school=renewed.school, previous=renewed)

    run = executed(consultant, adoption_round)

    assert run.status == MatchRun.Status.FAILED
    assert x.name in run.error and "overfylde" in run.error


def test_removing_a_rule_frees_the_pair(consultant):
    adoption_round = make_round()
    klass, x = school_class(), company(round=adoption_round)
    wish(adoption_round, klass, x)
    rule = services.pair_forbid(actor=consultant, round=adoption_round, school_class=klass, company=x, reason="Nej")

    services.pair_rule_remove(actor=consultant, rule=rule)

    assert not PairRule.objects.exists()
    assert proposal(executed(consultant, adoption_round))[klass.pk].company_id == x.pk


def test_reading_the_round_takes_the_same_queries_whatever_its_size(consultant, django_assert_max_num_queries):
    adoption_round = make_round()
    companies = [company(round=adoption_round, places=2) for _ in range(5)]
    for number in range(12):
        wish(adoption_round, school_class(), companies[number % 5], "energy")

    with django_assert_max_num_queries(12):
        data, _ = match_input_for(adoption_round, seed=1)

    assert len(data.classes) == 12 and len(data.companies) == 5


def test_accepting_makes_the_adoptions_and_tells_teachers_and_companies(consultant):
    adoption_round = make_round()
    x = company(round=adoption_round)
    member = factories.CompanyMemberFactory(company=x, user__language="en", user__email="vaert@example.dk")
    klass = school_class()
    teacher = factories.TeacherFactory(school=klass.school, user__email="laerer@example.dk")
    wish(adoption_round, klass, x)
    services.pair_lock(actor=consultant, round=adoption_round, school_class=klass, company=x, reason="Samme bydel")
    run = executed(consultant, adoption_round)

    adoptions = services.run_accept(actor=consultant, run=run)

    assert [(a.school_class_id, a.company_id) for a in adoptions] == [(klass.pk, x.pk)]
    assert adoptions[0].plan is not None
    run.refresh_from_db()
    adoption_round.refresh_from_db()
    assert (run.status, adoption_round.status) == (MatchRun.Status.ACCEPTED, AdoptionRound.Status.ACCEPTED)
    messages = {m.recipient_email: m for m in OutgoingMessage.objects.filter(subject_key=f"adoption:{adoptions[0].pk}")}
    assert set(messages) == {teacher.user.email, member.user.email}
    english = render(messages[member.user.email], adoptions[0])
    assert english.subject == f"Your company adopts {klass.name}, {klass.school.name}"
    assert "Samme bydel" in english.body
    danish = render(messages[teacher.user.email], adoptions[0])
    assert danish.subject == f"{klass.name} er adopteret af {x.name}"
    assert "Samme bydel" in danish.body


def test_the_adoption_e_mail_leads_to_the_annual_plan_in_text_and_html(consultant):
    """The e-mail says the annual plan comes next: both its parts link to that plan."""
    adoption_round = make_round()
    x = company(round=adoption_round)
    factories.CompanyMemberFactory(company=x, user__email="vaert@example.dk")
    klass = school_class()
    wish(adoption_round, klass, x)
    adoption = services.run_accept(actor=consultant, run=executed(consultant, adoption_round))[0]
    email = render(OutgoingMessage.objects.get(subject_key=f"adoption:{adoption.pk}"), adoption)
    plan_url = f"/plans/{adoption.plan.pk}/"
    assert plan_url in email.body
    assert plan_url in email.alternatives[0][0]


def test_a_run_made_before_a_pair_was_forbidden_is_not_accepted_with_that_pair(consultant):
    """Forbidding a proposed pair after the run asks for a new run: accepting the old proposal
    would adopt the class by the company the consultant just ruled out (and tell both so)."""
    adoption_round = make_round()
    x = company(round=adoption_round)
    klass = school_class()
    wish(adoption_round, klass, x)
    run = executed(consultant, adoption_round)
    services.pair_forbid(actor=consultant, round=adoption_round, school_class=klass, company=x, reason="Ikke igen")

    with pytest.raises(DomainError) as refused:
        services.run_accept(actor=consultant, run=run)

    assert refused.value.code == "rules_changed"
    assert not Adoption.objects.exists()


def test_only_the_latest_finished_run_is_accepted_and_only_once(consultant):
    adoption_round = make_round()
    wish(adoption_round, school_class(), company(round=adoption_round))
    older = executed(consultant, adoption_round)
    newer = executed(consultant, adoption_round)

    with pytest.raises(DomainError) as refused:
        services.run_accept(actor=consultant, run=older)
    assert refused.value.code == "run_not_latest"

    services.run_accept(actor=consultant, run=newer)
    with pytest.raises(DomainError) as again:
        services.run_accept(actor=consultant, run=newer)
    assert again.value.code == "round_not_open"
    assert Adoption.objects.count() == 1


def test_accepting_tells_the_teachers_of_a_class_left_unplaced_why_and_what_comes_next(consultant):
    """A class the accepted run left without a company is not forgotten: each teacher of its
    school gets one e-mail in their language saying it was not adopted in this round, the
    run's reason in plain words, the reason of a forbidden pair that concerned the class, and
    that the consultant may still place it by hand or it may join the next round."""
    adoption_round = make_round()
    x, y = company(round=adoption_round), company(round=adoption_round)
    placed, full, ruled_out = school_class(), school_class(), school_class()
    english = factories.TeacherFactory(school=full.school, user__language="en", user__email="full@example.dk")
    danish = factories.TeacherFactory(school=ruled_out.school, user__language="da", user__email="ud@example.dk")
    wish(adoption_round, placed, x)
    wish(adoption_round, full, x)
    wish(adoption_round, ruled_out, y)
    services.pair_lock(actor=consultant, round=adoption_round, school_class=placed, company=x, reason="Samme bydel")
    services.pair_forbid(
        actor=consultant, round=adoption_round, school_class=ruled_out, company=y, reason="Konflikt sidste år"
    )
    run = executed(consultant, adoption_round)

    services.run_accept(actor=consultant, run=run)

    unplaced = {pair.school_class_id: pair for pair in run.pairs.filter(basis=ProposedPair.Basis.UNPLACED)}
    assert set(unplaced) == {full.pk, ruled_out.pk}
    to_full = OutgoingMessage.objects.get(subject_key=f"unplaced:{unplaced[full.pk].pk}")
    to_ruled_out = OutgoingMessage.objects.get(subject_key=f"unplaced:{unplaced[ruled_out.pk].pk}")
    assert (to_full.recipient_email, to_ruled_out.recipient_email) == (english.user.email, danish.user.email)
    source = message_source(to_full.subject_key)
    email = source.render(to_full, source.load(str(unplaced[full.pk].pk)))
    assert email.subject == f"{full.name}, {full.school.name} was not adopted in this round"
    assert "renewals and locks took the wished company's places" in email.body
    assert "place the class with a company by hand" in email.body
    assert "next round" in email.body
    email = source.render(to_ruled_out, source.load(str(unplaced[ruled_out.pk].pk)))
    assert "Konflikt sidste år" in email.body
    assert email.subject == f"{ruled_out.name}, {ruled_out.school.name} blev ikke adopteret i denne runde"
    assert source.is_current(to_full, source.load(str(unplaced[full.pk].pk)))
