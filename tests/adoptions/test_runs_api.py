"""The matching API: a consultant starts a run, follows it, reads the result with why and
reasons, sets rules with a reason and accepts."""

from __future__ import annotations

from adoptions.models import Adoption, MatchRun, PairRule
from tests.adoptions.test_runs import company, make_round, school_class, wish
from tests.conftest import client_for


def test_a_consultant_runs_a_matching_and_reads_the_result(consultant, django_capture_on_commit_callbacks):
    adoption_round = make_round()
    x = company(round=adoption_round)
    adopted, left_out = school_class(), school_class()
    wish(adoption_round, adopted, x)
    wish(adoption_round, left_out, x)
    api = client_for(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/match-runs/", {"round": adoption_round.pk, "seed": 5}, format="json")
    run_id = started.json()["id"]
    progress = api.get(f"/api/v1/match-runs/{run_id}/").json()
    result = api.get(f"/api/v1/match-runs/{run_id}/result/").json()

    assert started.status_code == 201
    assert (progress["status"], progress["progress"], progress["seed"]) == ("done", 100, 5)
    assert [pair["company"] for pair in result["pairs"]] == [x.pk]
    assert result["pairs"][0]["wish_rank"] == 1
    assert result["unplaced"][0]["reasons"] == ["ingen ønsker med ledige pladser"]
    assert result["report"]["optimal"]["adopted"] == 1


def test_a_rule_is_set_with_its_reason_and_removed(consultant):
    adoption_round = make_round()
    x, klass = company(round=adoption_round), school_class()
    wish(adoption_round, klass, x)
    api = client_for(consultant)
    payload = {"round": adoption_round.pk, "school_class": klass.pk, "company": x.pk, "kind": "lock"}

    missing = api.post("/api/v1/pair-rules/", payload, format="json")
    made = api.post("/api/v1/pair-rules/", payload | {"reason": "Samme bydel"}, format="json")
    removed = api.delete(f"/api/v1/pair-rules/{made.json()['id']}/")

    assert missing.status_code == 400 and "reason" in missing.json()
    assert made.status_code == 201 and made.json()["reason"] == "Samme bydel"
    assert removed.status_code == 204 and not PairRule.objects.exists()


def test_a_lock_over_the_company_places_is_refused_with_its_code(consultant):
    adoption_round = make_round()
    x = company(round=adoption_round)
    a, b = school_class(), school_class()
    wish(adoption_round, a, x)
    wish(adoption_round, b, x)
    api = client_for(consultant)
    payload = {"round": adoption_round.pk, "company": x.pk, "kind": "lock", "reason": "Aftalt"}

    api.post("/api/v1/pair-rules/", payload | {"school_class": a.pk}, format="json")
    refused = api.post("/api/v1/pair-rules/", payload | {"school_class": b.pk}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (400, "lock_over_capacity")


def test_accepting_through_the_api_makes_the_adoptions(consultant, django_capture_on_commit_callbacks):
    adoption_round = make_round()
    wish(adoption_round, school_class(), company(round=adoption_round))
    api = client_for(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = api.post("/api/v1/match-runs/", {"round": adoption_round.pk}, format="json").json()["id"]

    accepted = api.post(f"/api/v1/match-runs/{run_id}/accept/")

    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Adoption.objects.filter(round=adoption_round).count() == 1
    assert MatchRun.objects.get(pk=run_id).status == MatchRun.Status.ACCEPTED
