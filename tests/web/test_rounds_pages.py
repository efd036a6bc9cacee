"""The adoption round pages: the consultant's rounds list, opening a round, the round's page,
editing it and its priorities; a company's capacity form; a class's wishes form; and the
teachers' and hosts' entry page. Garbage in every form gives the form again with a message per
field, never a 500, and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity, PairRule
from core.dates import school_year_of
from core.models import Municipality
from tests import factories
from tests.adoptions.round_fixtures import *  # noqa: F403 (the fixtures)
from tests.adoptions.round_fixtures import AALBORG, BRONDERSLEV, HJORRING, next_school_year

GARBAGE = ["", "abc", "-1", "0", "99999999999999999999", "2027-13-45", "9999-12-31", "25:99", "\x00", "😀" * 300]


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def capacity(round, company, host):
    return factories.CompanyCapacityFactory(round=round, company=company, classes=3, updated_by=host.user)


@pytest.fixture
def wish(round, eighth_grade, teacher):
    choice = factories.WishChoiceFactory(
        wish__round=round, wish__school_class=eighth_grade, wish__updated_by=teacher.user
    )
    return choice.wish


# The consultant's pages ---------------------------------------------------------------------


def test_consultant_sees_the_rounds_of_their_area_only(area_consultant, round):
    elsewhere = factories.AdoptionRoundFactory(title="Hjørring-runden", municipalities=[HJORRING])

    page = web(area_consultant).get("/rounds/")

    assert page.status_code == 200
    assert round.title in page.text
    assert elsewhere.title not in page.text
    assert 'href="/rounds/"' in page.text, "the menu leads there"
    assert web(area_consultant).get(f"/rounds/{elsewhere.pk}/").status_code == 404


def test_consultant_opens_a_round(area_consultant):
    data = {
        "title": "Klasseadoption 2. runde",
        "school_year": next_school_year(),
        "municipalities": [AALBORG],
        "wishes_deadline": (today() + dt.timedelta(days=20)).isoformat(),
    }

    response = web(area_consultant).post("/rounds/new/", data)

    opened = AdoptionRound.objects.get(title="Klasseadoption 2. runde")
    assert response.status_code == 302
    assert response["Location"] == f"/rounds/{opened.pk}/"
    assert list(opened.municipalities.values_list("code", flat=True)) == [AALBORG]
    assert opened.created_by == area_consultant


def test_the_open_form_offers_only_the_consultant_s_area(area_consultant):
    form = web(area_consultant).get("/rounds/new/").context["form"]

    assert list(form.fields["municipalities"].queryset.values_list("code", flat=True)) == [AALBORG]


def round_data(**overrides) -> dict:
    return {
        "title": "Klasseadoption",
        "school_year": next_school_year(),
        "municipalities": [AALBORG],
        "wishes_deadline": "",
    } | overrides


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"title", "school_year", "municipalities"}),
        (round_data(title="x" * 201), {"title"}),
        (round_data(title="\x00"), {"title"}),
        (round_data(school_year="abc"), {"school_year"}),
        (round_data(school_year="1999"), {"school_year"}),
        (round_data(school_year="99999999999999999999"), {"school_year"}),
        (round_data(municipalities=["abc"]), {"municipalities"}),
        (round_data(municipalities=[HJORRING]), {"municipalities"}),
        (round_data(municipalities=["99999999999999999999"]), {"municipalities"}),
        (round_data(wishes_deadline="2027-13-45"), {"wishes_deadline"}),
        (round_data(wishes_deadline="9999-12-31"), {"wishes_deadline"}),
        (round_data(wishes_deadline="2001-01-01"), {"wishes_deadline"}),
    ],
)
def test_open_form_answers_garbage_with_a_message_per_field(area_consultant, data, fields):
    response = web(area_consultant).post("/rounds/new/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    for field in fields:
        assert f'id="id_{field}_error"' in response.text
    assert not AdoptionRound.objects.exists()


def test_round_page_shows_state_capacities_wishes_and_overrides(area_consultant, round, capacity, wish, host):
    PairRule.objects.create(
        round=round,
        school_class=wish.school_class,
        company=capacity.company,
        kind=PairRule.Kind.FORBID,
        reason="Klassen var hos virksomheden sidste år.",
        created_by=area_consultant,
    )

    page = web(area_consultant).get(f"/rounds/{round.pk}/")

    assert page.status_code == 200
    assert page.context["offered"] == 3
    assert page.context["eligible"] == 1
    text = page.text
    assert capacity.company.name in text
    assert wish.school_class.name in text
    assert "Klassen var hos virksomheden sidste år." in text
    assert f'href="/rounds/{round.pk}/companies/{capacity.company_id}/capacity/"' in text
    assert f'href="/rounds/{round.pk}/classes/{wish.school_class_id}/wishes/"' in text
    assert f'href="/rounds/{round.pk}/priorities/"' in text
    english = web(area_consultant)
    english.cookies["django_language"] = "en"
    # the counts, under a heading apart from the round's status
    assert "<h2>Capacity and wishes so far</h2>" in english.get(f"/rounds/{round.pk}/").text


def test_round_page_lists_companies_and_classes_still_missing(area_consultant, round, company, eighth_grade):
    page = web(area_consultant).get(f"/rounds/{round.pk}/")

    assert list(page.context["companies_without"]) == [company]
    assert list(page.context["classes_without"]) == [eighth_grade]


def test_round_page_offers_a_matching_run(area_consultant, round):
    start = reverse("run-start", args=[round.pk])

    page = web(area_consultant).get(f"/rounds/{round.pk}/")

    assert page.context["run_start_url"] == start
    assert f'action="{start}"' in page.text


def test_consultant_moves_the_round_on_and_renames_it(area_consultant, round):
    data = {"title": "Runde 1", "wishes_deadline": "", "status": "matching"}

    response = web(area_consultant).post(f"/rounds/{round.pk}/edit/", data)

    assert response.status_code == 302
    round.refresh_from_db()
    assert (round.title, round.status) == ("Runde 1", "matching")


def test_edit_offers_only_the_status_changes_that_make_sense(area_consultant, round):
    AdoptionRound.objects.filter(pk=round.pk).update(status="accepted")

    form = web(area_consultant).get(f"/rounds/{round.pk}/edit/").context["form"]

    assert [value for value, _label in form.fields["status"].choices] == ["accepted", "closed"]


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"title", "status"}),
        ({"title": "x" * 201, "status": "collecting"}, {"title"}),
        ({"title": "Ok", "status": "accepted"}, {"status"}),
        ({"title": "Ok", "status": "nonsense"}, {"status"}),
        ({"title": "Ok", "status": "collecting", "wishes_deadline": "9999-12-31"}, {"wishes_deadline"}),
        ({"title": "Ok", "status": "collecting", "wishes_deadline": "2001-01-01"}, {"wishes_deadline"}),
        ({"title": "   ", "status": "collecting"}, {"title"}),
    ],
)
def test_edit_form_answers_garbage_with_a_message_per_field(area_consultant, round, data, fields):
    response = web(area_consultant).post(f"/rounds/{round.pk}/edit/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    round.refresh_from_db()
    assert (round.title, round.status, round.wishes_deadline) == ("Klasser adopteres", "collecting", None)


def test_consultant_sets_priorities_and_weights(area_consultant, round, school):
    data = {
        "outlying_municipalities": [BRONDERSLEV],
        "grey_zone_schools": [school.pk],
        "weight_outlying": "0",
        "weight_never_adopted": "1000",
        "weight_grey_zone": "250",
    }
    page = web(area_consultant).get(f"/rounds/{round.pk}/priorities/")
    for weight in ("weight_outlying", "weight_never_adopted", "weight_grey_zone"):
        assert f'id="id_{weight}_helptext"' in page.text, "each weight says what it means"

    response = web(area_consultant).post(f"/rounds/{round.pk}/priorities/", data)

    assert response.status_code == 302
    round.refresh_from_db()
    assert (round.weight_outlying, round.weight_never_adopted, round.weight_grey_zone) == (0, 1000, 250)
    assert list(round.grey_zone_schools.all()) == [school]


def priorities_data(**overrides) -> dict:
    return {"weight_outlying": "200", "weight_never_adopted": "100", "weight_grey_zone": "300"} | overrides


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"weight_outlying", "weight_never_adopted", "weight_grey_zone"}),
        (priorities_data(weight_outlying="-1"), {"weight_outlying"}),
        (priorities_data(weight_never_adopted="1001"), {"weight_never_adopted"}),
        (priorities_data(weight_grey_zone="abc"), {"weight_grey_zone"}),
        (priorities_data(weight_grey_zone="99999999999999999999"), {"weight_grey_zone"}),
        (priorities_data(outlying_municipalities=[HJORRING]), {"outlying_municipalities"}),
        (priorities_data(outlying_municipalities=["abc"]), {"outlying_municipalities"}),
        (priorities_data(grey_zone_schools=["99999999999999999999"]), {"grey_zone_schools"}),
    ],
)
def test_priorities_form_answers_garbage_with_a_message_per_field(area_consultant, round, data, fields):
    response = web(area_consultant).post(f"/rounds/{round.pk}/priorities/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    round.refresh_from_db()
    assert (round.weight_outlying, round.weight_never_adopted, round.weight_grey_zone) == (200, 100, 300)
    assert not round.outlying_municipalities.exists()


def test_a_grey_zone_school_outside_the_round_is_not_offered(area_consultant, round):
    elsewhere = factories.SchoolFactory(municipality=Municipality.objects.get(code=HJORRING))

    response = web(area_consultant).post(
        f"/rounds/{round.pk}/priorities/", priorities_data(grey_zone_schools=[elsewhere.pk])
    )

    assert set(response.context["form"].errors) == {"grey_zone_schools"}


# A company's capacity -----------------------------------------------------------------------


def capacity_data(**overrides) -> dict:
    return {
        "classes": "2",
        "grade_min": "8",
        "grade_max": "9",
        "max_travel_km": "40",
        "weekdays": ["1", "3"],
        "activities_per_month": "4",
        "notes": "Helst tirsdag og torsdag.",
    } | overrides


def capacity_url(round, company) -> str:
    return f"/rounds/{round.pk}/companies/{company.pk}/capacity/"


def test_host_states_changes_and_withdraws_their_company_s_capacity(host, round, company):
    client = web(host.user)
    assert client.get(capacity_url(round, company)).status_code == 200

    response = client.post(capacity_url(round, company), capacity_data())
    assert response.status_code == 302
    assert response["Location"] == "/my-rounds/"
    capacity = CompanyCapacity.objects.get()
    assert (capacity.classes, capacity.weekdays, capacity.updated_by) == (2, [1, 3], host.user)

    client.post(capacity_url(round, company), capacity_data(classes="4", weekdays=[]))
    capacity.refresh_from_db()
    assert (capacity.classes, capacity.weekdays) == (4, [])

    form = client.get(capacity_url(round, company)).context["form"]
    assert form.initial["classes"] == 4

    client.post(capacity_url(round, company), {"withdraw": "1"})
    assert not CompanyCapacity.objects.exists()


def test_consultant_states_a_company_s_capacity_and_returns_to_the_round(area_consultant, round, company):
    response = web(area_consultant).post(capacity_url(round, company), capacity_data())

    assert response["Location"] == f"/rounds/{round.pk}/"
    assert CompanyCapacity.objects.get().updated_by == area_consultant


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"classes", "grade_min", "grade_max", "max_travel_km", "activities_per_month"}),
        (capacity_data(classes="0"), {"classes"}),
        (capacity_data(classes="51"), {"classes"}),
        (capacity_data(classes="abc"), {"classes"}),
        (capacity_data(classes="99999999999999999999"), {"classes"}),
        (capacity_data(grade_min="14"), {"grade_min"}),
        (capacity_data(grade_min="9", grade_max="8"), {"grade_max"}),
        (capacity_data(grade_min="9", grade_max="10"), {"grade_min"}),
        (capacity_data(max_travel_km="0"), {"max_travel_km"}),
        (capacity_data(max_travel_km="501"), {"max_travel_km"}),
        (capacity_data(weekdays=["5"]), {"weekdays"}),
        (capacity_data(weekdays=["abc", "1"]), {"weekdays"}),
        (capacity_data(activities_per_month="0"), {"activities_per_month"}),
        (capacity_data(activities_per_month="101"), {"activities_per_month"}),
        (capacity_data(notes="x" * 2001), {"notes"}),
        (capacity_data(notes="\x00"), {"notes"}),
    ],
)
def test_capacity_form_answers_garbage_with_a_message_per_field(host, round, company, data, fields):
    response = web(host.user).post(capacity_url(round, company), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    for field in fields:
        assert f'id="id_{field}_error"' in response.text
    assert not CompanyCapacity.objects.exists()


def test_a_company_out_of_reach_is_told_at_the_longest_distance(area_consultant):
    aalborg_only = factories.AdoptionRoundFactory(municipalities=[AALBORG])
    neighbour = factories.CompanyFactory(municipality=Municipality.objects.get(code=BRONDERSLEV))

    response = web(area_consultant).post(capacity_url(aalborg_only, neighbour), capacity_data(max_travel_km="5"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"max_travel_km"}
    assert not CompanyCapacity.objects.exists()


def test_a_round_that_no_longer_collects_says_so_above_the_form(host, round, company):
    AdoptionRound.objects.filter(pk=round.pk).update(status="matching")

    response = web(host.user).post(capacity_url(round, company), capacity_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not CompanyCapacity.objects.exists()


# A class's wishes ---------------------------------------------------------------------------


def wish_url(round, school_class) -> str:
    return f"/rounds/{round.pk}/classes/{school_class.pk}/wishes/"


def wish_data(**overrides) -> dict:
    return {
        "choice_1": "sector-energy",
        "choice_2": "",
        "choice_3": "",
        "choice_4": "",
        "choice_5": "",
        "max_travel_km": "30",
        "notes": "",
    } | overrides


def test_teacher_ranks_companies_and_sectors_for_a_class(teacher, round, eighth_grade, capacity):
    client = web(teacher.user)
    form = client.get(wish_url(round, eighth_grade)).context["form"]
    offered = [value for _group, options in form.fields["choice_1"].choices[1:] for value, _label in options]
    assert f"company-{capacity.company_id}" in offered
    assert "sector-ict" in offered

    response = client.post(
        wish_url(round, eighth_grade),
        wish_data(choice_1=f"company-{capacity.company_id}", choice_2="", choice_3="sector-ict"),
    )

    assert response.status_code == 302
    assert response["Location"] == "/my-rounds/"
    wish = ClassWish.objects.get()
    assert [(choice.rank, choice.company_id, choice.sector_id) for choice in wish.choices.order_by("rank")] == [
        (1, capacity.company_id, None),
        (2, None, "ict"),
    ]
    assert (wish.max_travel_km, wish.updated_by) == (30, teacher.user)
    again = client.get(wish_url(round, eighth_grade)).context["form"]
    assert (again["choice_1"].initial, again["choice_2"].initial) == (f"company-{capacity.company_id}", "sector-ict")


def test_a_company_without_capacity_is_not_offered(teacher, round, eighth_grade, company):
    response = web(teacher.user).post(wish_url(round, eighth_grade), wish_data(choice_1=f"company-{company.pk}"))

    assert set(response.context["form"].errors) == {"choice_1"}
    assert not ClassWish.objects.exists()


def test_teacher_withdraws_the_wishes(teacher, round, eighth_grade, wish):
    web(teacher.user).post(wish_url(round, eighth_grade), {"withdraw": "1"})

    assert not ClassWish.objects.exists()


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"choice_1", "max_travel_km"}),
        (wish_data(choice_1=""), {"choice_1"}),
        (wish_data(choice_1="company-99999999999999999999"), {"choice_1"}),
        (wish_data(choice_2="sector-nonsense"), {"choice_2"}),
        (wish_data(choice_2="sector-energy"), {"choice_1"}),
        (wish_data(max_travel_km="0"), {"max_travel_km"}),
        (wish_data(max_travel_km="501"), {"max_travel_km"}),
        (wish_data(max_travel_km="abc"), {"max_travel_km"}),
        (wish_data(notes="x" * 2001), {"notes"}),
    ],
)
def test_wish_form_answers_garbage_with_a_message_per_field(teacher, round, eighth_grade, data, fields):
    response = web(teacher.user).post(wish_url(round, eighth_grade), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    assert not ClassWish.objects.exists()


def test_a_9th_grade_class_is_refused_above_the_form(teacher, round, school):
    ninth = factories.SchoolClassFactory(school=school, grade=9, school_year=next_school_year())

    response = web(teacher.user).post(wish_url(round, ninth), wish_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ClassWish.objects.exists()


# The teachers' and hosts' entry page --------------------------------------------------------


def test_teacher_sees_the_round_with_their_school_s_8th_grade_classes(teacher, round, eighth_grade, other_class):
    page = web(teacher.user).get("/my-rounds/")

    assert page.status_code == 200
    assert 'href="/my-rounds/"' in page.text, "the menu leads there"
    assert round.title in page.text
    assert f'href="{wish_url(round, eighth_grade)}"' in page.text
    assert f"/classes/{other_class.pk}/wishes/" not in page.text


def test_host_sees_the_round_with_their_company_s_capacity(host, round, company, capacity):
    page = web(host.user).get("/my-rounds/")

    assert f'href="{capacity_url(round, company)}"' in page.text
    assert 'href="/my-rounds/"' in page.text


def test_rounds_that_no_longer_collect_are_not_listed(teacher, round):
    AdoptionRound.objects.filter(pk=round.pk).update(status="matching")

    assert round.title not in web(teacher.user).get("/my-rounds/").text


def test_after_the_deadline_the_entry_page_links_no_form(teacher, round, eighth_grade):
    AdoptionRound.objects.filter(pk=round.pk).update(wishes_deadline=today() - dt.timedelta(days=1))

    page = web(teacher.user).get("/my-rounds/")

    assert round.title in page.text
    assert wish_url(round, eighth_grade) not in page.text


def test_a_consultant_is_sent_to_the_rounds_list(area_consultant):
    assert web(area_consultant).get("/my-rounds/")["Location"] == "/rounds/"


# Who gets what ------------------------------------------------------------------------------


@pytest.fixture
def targets(round, company, eighth_grade, capacity, wish):
    return [
        ("get", "/rounds/", {}),
        ("get", "/rounds/new/", {}),
        ("post", "/rounds/new/", round_data(title="Ulovlig")),
        ("get", f"/rounds/{round.pk}/", {}),
        ("get", f"/rounds/{round.pk}/edit/", {}),
        ("post", f"/rounds/{round.pk}/edit/", {"title": "Ulovlig", "status": "closed"}),
        ("get", f"/rounds/{round.pk}/priorities/", {}),
        ("post", f"/rounds/{round.pk}/priorities/", priorities_data(weight_outlying="999")),
    ]


def assert_untouched(round, capacity, wish) -> None:
    round.refresh_from_db()
    capacity.refresh_from_db()
    wish.refresh_from_db()
    assert (round.title, round.status, round.weight_outlying) == ("Klasser adopteres", "collecting", 200)
    assert not AdoptionRound.objects.filter(title="Ulovlig").exists()
    assert capacity.classes == 3
    assert wish.max_travel_km == 40


@pytest.mark.parametrize("role", ["teacher", "host", "far_consultant"])
def test_the_consultant_s_pages_are_404_for_others(request, targets, round, capacity, wish, role):
    user = request.getfixturevalue(role)
    client = web(getattr(user, "user", user))
    for method, url, data in targets:
        if role == "far_consultant" and url in ("/rounds/", "/rounds/new/") and method == "get":
            continue
        response = getattr(client, method)(url, data)
        if role == "far_consultant" and url == "/rounds/new/":
            assert response.status_code == 200, "may open rounds in their own area, not this one"
        else:
            assert response.status_code == 404, (role, method, url)
    assert_untouched(round, capacity, wish)


def test_anonymous_is_sent_to_sign_in(targets, round, capacity, wish, company, eighth_grade):
    client = Client()
    for method, url, data in [
        *targets,
        ("get", "/my-rounds/", {}),
        ("post", capacity_url(round, company), capacity_data(classes="9")),
        ("post", wish_url(round, eighth_grade), wish_data(max_travel_km="99")),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/")
    assert_untouched(round, capacity, wish)


@pytest.mark.parametrize("role", ["other_host", "teacher", "far_consultant"])
def test_another_company_s_capacity_is_404(request, round, company, capacity, wish, role):
    user = request.getfixturevalue(role)
    client = web(getattr(user, "user", user))

    assert client.get(capacity_url(round, company)).status_code == 404
    assert client.post(capacity_url(round, company), capacity_data(classes="9")).status_code == 404
    assert client.post(capacity_url(round, company), {"withdraw": "1"}).status_code == 404
    assert_untouched(round, capacity, wish)


@pytest.mark.parametrize("role", ["other_teacher", "host", "far_consultant"])
def test_another_school_s_wishes_are_404(request, round, eighth_grade, capacity, wish, role):
    user = request.getfixturevalue(role)
    client = web(getattr(user, "user", user))

    assert client.get(wish_url(round, eighth_grade)).status_code == 404
    assert client.post(wish_url(round, eighth_grade), wish_data(max_travel_km="99")).status_code == 404
    assert client.post(wish_url(round, eighth_grade), {"withdraw": "1"}).status_code == 404
    assert_untouched(round, capacity, wish)


def test_garbage_never_gives_500(area_consultant, round, company, eighth_grade):
    client = web(area_consultant)
    for value in GARBAGE:
        posts = [
            (
                "/rounds/new/",
                {"title": value, "school_year": value, "municipalities": [value], "wishes_deadline": value},
            ),
            (f"/rounds/{round.pk}/edit/", {"title": value, "status": value, "wishes_deadline": value}),
            (
                f"/rounds/{round.pk}/priorities/",
                {
                    "outlying_municipalities": [value],
                    "grey_zone_schools": [value],
                    "weight_outlying": value,
                    "weight_never_adopted": value,
                    "weight_grey_zone": value,
                },
            ),
            (
                capacity_url(round, company),
                {
                    "classes": value,
                    "grade_min": value,
                    "grade_max": value,
                    "max_travel_km": value,
                    "weekdays": [value],
                    "activities_per_month": value,
                    "notes": value * 100,
                },
            ),
            (
                wish_url(round, eighth_grade),
                {f"choice_{rank}": value for rank in range(1, 6)} | {"max_travel_km": value, "notes": value * 100},
            ),
        ]
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code in (200, 302), (url, value, response.status_code)
    assert not CompanyCapacity.objects.exists()
    assert not ClassWish.objects.exists()
    for url in ("/rounds/abc/", "/rounds/99999999999999999999/", f"/rounds/{round.pk}/classes/999999/wishes/"):
        assert client.get(url).status_code == 404


def test_school_year_choices_run_from_this_year_two_ahead(area_consultant):
    form = web(area_consultant).get("/rounds/new/").context["form"]
    this_year = school_year_of(today())

    assert [year for year, _label in form.fields["school_year"].choices] == [this_year, this_year + 1, this_year + 2]


def danish(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    return client


def test_the_round_pages_speak_danish(area_consultant, teacher, host, round, company, eighth_grade, capacity, wish):
    consultant = danish(area_consultant)

    assert "Adoptionsrunder" in consultant.get("/rounds/").text
    detail = consultant.get(f"/rounds/{round.pk}/").text
    assert "Indsamler kapacitet og ønsker" in detail
    assert "Virksomhedernes kapacitet" in detail
    assert "Kapacitet og ønsker indtil nu" in detail
    assert "1 klasse har angivet ønsker" in consultant.get("/rounds/").text
    assert "Hvad vægtene betyder" in consultant.get(f"/rounds/{round.pk}/priorities/").text
    assert "Ønske 1" in danish(teacher.user).get(wish_url(round, eighth_grade)).text
    assert "Klasser at adoptere" in danish(host.user).get(capacity_url(round, company)).text
    assert "Klasseadoption" in danish(teacher.user).get("/my-rounds/").text


def test_a_refusal_reads_in_danish(host, round, company):
    AdoptionRound.objects.filter(pk=round.pk).update(status="matching")

    response = danish(host.user).post(capacity_url(round, company), capacity_data())

    assert "Runden indsamler ikke længere kapacitet og ønsker." in response.text


def test_round_page_lists_its_matching_runs(area_consultant, round):
    from adoptions.models import MatchRun

    run = MatchRun.objects.create(round=round, status=MatchRun.Status.RUNNING, progress=40)

    page = web(area_consultant).get(f"/rounds/{round.pk}/")

    assert [listed for listed, _url in page.context["runs"]] == [run]
    assert f"#{run.pk}" in page.text
    assert "40 %" in page.text


def test_the_school_and_the_company_see_the_consultants_rules_that_concern_them(
    area_consultant, teacher, host, round, eighth_grade, capacity
):
    """A lock or forbidden pair is shown with its reason on the class's wishes page and on the
    company's capacity page, not only in the e-mails after accepting (which a class left
    without a company never gets)."""
    PairRule.objects.create(
        round=round,
        school_class=eighth_grade,
        company=capacity.company,
        kind=PairRule.Kind.FORBID,
        reason="Klassen var hos virksomheden sidste år.",
        created_by=area_consultant,
    )
    assert "Klassen var hos virksomheden sidste år." in web(teacher.user).get(wish_url(round, eighth_grade)).text
    assert "Klassen var hos virksomheden sidste år." in web(host.user).get(capacity_url(round, capacity.company)).text


def test_teacher_sees_what_next_year_s_class_is_called_this_year(teacher, round, eighth_grade):
    """Next year's 8.A is this year's 7.A: the round page and the wishes page say so, so the
    teacher does not take it for this year's 8.A (which goes into 9th grade)."""
    this_year = factories.SchoolClassFactory(
        school=eighth_grade.school, name="7.A", grade=7, school_year=eighth_grade.school_year - 1
    )
    eighth_grade.previous = this_year
    eighth_grade.save()
    client = web(teacher.user)
    client.cookies["django_language"] = "en"
    hint = f"7.A in {this_year.school_year_label}"
    assert hint in client.get("/my-rounds/").text
    assert hint in client.get(wish_url(round, eighth_grade)).text


# A teacher registers next year's 8th grade --------------------------------------------------


def test_teacher_registers_next_years_8th_grade_continuing_a_7th_grade_and_states_its_wishes(round, teacher, school):
    """Next year's classes exist only once someone registers them: from the round entry page a
    teacher adds 8.B of the round's school year, continuing this year's 7.B, and lands on its
    wishes form."""
    seventh = factories.SchoolClassFactory(school=school, name="7.B", grade=7, school_year=next_school_year() - 1)
    client = web(teacher.user)
    assert f'href="/rounds/{round.pk}/classes/new/"' in client.get("/my-rounds/").text

    page = client.post(f"/rounds/{round.pk}/classes/new/", {"name": "8.B", "pupils": "23", "previous": seventh.pk})

    eighth = school.classes.get(name="8.B")
    assert (eighth.grade, eighth.school_year, eighth.pupils, eighth.previous) == (8, round.school_year, 23, seventh)
    assert page.status_code == 302 and page.url == f"/rounds/{round.pk}/classes/{eighth.pk}/wishes/"
    assert "8.B" in client.get("/my-rounds/").text


@pytest.mark.parametrize("field", ["name", "pupils", "previous"])
@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_class_form_is_refused_by_field_and_saves_nothing(round, teacher, school, field, value):
    data = {"name": "8.C", "pupils": "20", "previous": ""} | {field: value}
    page = web(teacher.user).post(f"/rounds/{round.pk}/classes/new/", data)

    assert page.status_code in (200, 302)
    if page.status_code == 200:
        assert not school.classes.filter(school_year=round.school_year).exists()


def test_a_class_name_taken_and_a_class_continued_twice_are_refused_by_field(round, teacher, school, eighth_grade):
    seventh = factories.SchoolClassFactory(school=school, name="7.A", grade=7, school_year=next_school_year() - 1)
    eighth_grade.previous = seventh
    eighth_grade.save()
    client = web(teacher.user)

    taken = client.post(f"/rounds/{round.pk}/classes/new/", {"name": "8.A", "pupils": "20"})
    twice = client.post(f"/rounds/{round.pk}/classes/new/", {"name": "8.D", "pupils": "20", "previous": seventh.pk})

    assert taken.status_code == 200 and taken.context["form"].errors["name"]
    assert twice.status_code == 200 and twice.context["form"].errors["previous"], "7.A is continued by 8.A already"
    assert school.classes.filter(school_year=round.school_year).count() == 1


def test_only_a_teacher_in_the_rounds_area_registers_classes_while_it_collects(round, teacher, host, area_consultant):
    """Hosts and consultants have no school; a teacher elsewhere or a round no longer collecting
    answers 404, as a page that does not exist."""
    elsewhere = factories.TeacherFactory(school__municipality=Municipality.objects.get(code=HJORRING))
    for user in (host.user, area_consultant, elsewhere.user):
        assert web(user).get(f"/rounds/{round.pk}/classes/new/").status_code == 404
    round.status = AdoptionRound.Status.CLOSED
    round.save()
    assert web(teacher.user).get(f"/rounds/{round.pk}/classes/new/").status_code == 404
