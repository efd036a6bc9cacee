"""Who may do what, endpoint by endpoint: a matrix of roles × endpoints × actions.

Something a user may not see answers 404, exactly like something that does not exist."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bookings import services
from bookings.models import Booking
from core.dates import school_year_of
from tests import factories
from tests.adoptions.round_fixtures import HJORRING, MORSOE, consultant_for
from tests.conftest import client_for
from tests.dates import at, school_day, today
from tests.web.overview_tables import shown_sections  # noqa: F401 (a fixture)

ROLES = ["anonymous", "teacher", "other_teacher", "host", "other_host", "consultant"]


@pytest.fixture
def world(teacher, other_teacher, school_class, other_class, host, other_host, consultant, offer, slot):
    """One booking by `teacher` on `host`'s offer, one draft offer, one waitlisted booking."""
    draft = factories.OfferFactory(company=host.company, is_published=False, title="Kladde")
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    small = factories.SlotFactory(offer=offer, capacity_classes=1, start=slot.start + dt.timedelta(days=3))
    services.booking_create(actor=other_teacher.user, slot_id=small.pk, school_class_id=other_class.pk, pupils=20)
    waiting = services.booking_create(actor=teacher.user, slot_id=small.pk, school_class_id=school_class.pk, pupils=20)
    users = {
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "host": host.user,
        "other_host": other_host.user,
        "consultant": consultant,
    }
    return {
        "users": users,
        "booking": booking,
        "waiting": waiting,
        "draft": draft,
        "offer": offer,
        "slot": slot,
        "class": school_class,
        "other_class": other_class,
        "company": host.company,
    }


def client(world, role: str) -> APIClient:
    return APIClient() if role == "anonymous" else client_for(world["users"][role])


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


NOT_SIGNED_IN = "the endpoint needs a signed-in user"
NOT_YOURS = "not theirs: looks exactly like something that does not exist"
NOT_A_MEMBER = "writes need a company membership (or staff); the permission refuses before the object is read"
OFFER_NOT_EDITABLE = "a company member, but the offer is not among those they may edit: an invalid choice for `offer`"


def row(*values, why: str):
    """One row of a matrix, with the reason it is expected; the id names the role and status."""
    return pytest.param(*values, why, id="-".join(str(value) for value in values))


READ_MATRIX = [
    row("/api/v1/bookings/{booking}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/bookings/{booking}/", "teacher", 200, why="the teacher's school made the booking"),
    row("/api/v1/bookings/{booking}/", "other_teacher", 404, why=NOT_YOURS),
    row("/api/v1/bookings/{booking}/", "host", 200, why="the booking is on the host's company's offer"),
    row("/api/v1/bookings/{booking}/", "other_host", 404, why=NOT_YOURS),
    row("/api/v1/bookings/{booking}/", "consultant", 200, why="a consultant sees everything"),
    row("/api/v1/classes/{class}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/classes/{class}/", "teacher", 200, why="a class of the teacher's school"),
    row("/api/v1/classes/{class}/", "other_teacher", 404, why=NOT_YOURS),
    row("/api/v1/classes/{class}/", "host", 404, why="companies see no classes"),
    row("/api/v1/classes/{class}/", "consultant", 200, why="a consultant sees everything"),
    row("/api/v1/offers/{draft}/", "anonymous", 404, why="drafts are seen only by their company"),
    row("/api/v1/offers/{draft}/", "teacher", 404, why="drafts are seen only by their company"),
    row("/api/v1/offers/{draft}/", "host", 200, why="the host's company's own draft"),
    row("/api/v1/offers/{draft}/", "other_host", 404, why="drafts are seen only by their company"),
    row("/api/v1/offers/{draft}/", "consultant", 200, why="a consultant sees everything"),
    row("/api/v1/offers/{offer}/", "anonymous", 200, why="published offers are public"),
    row("/api/v1/slots/{slot}/", "anonymous", 200, why="slots of published offers are public"),
    row("/api/v1/companies/{company}/", "anonymous", 200, why="companies are public"),
    row("/api/v1/schools/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/schools/", "teacher", 200, why="signed-in users see schools"),
    row("/api/v1/waitlist/{waiting}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/waitlist/{waiting}/", "teacher", 200, why="the teacher's school's waitlisted booking"),
    row("/api/v1/waitlist/{waiting}/", "other_teacher", 404, why=NOT_YOURS),
    row("/api/v1/waitlist/{waiting}/", "host", 200, why="waitlisted on the host's company's offer"),
    row("/api/v1/waitlist/{waiting}/", "other_host", 404, why=NOT_YOURS),
]


def url_for(world, template: str) -> str:
    return template.format(**{key: getattr(value, "pk", None) for key, value in world.items() if key != "users"})


@pytest.mark.parametrize(("url", "role", "expected", "why"), READ_MATRIX)
def test_read_access(world, url, role, expected, why):
    assert client(world, role).get(url_for(world, url)).status_code == expected, why


@pytest.mark.parametrize(
    ("role", "sees_booking", "why"),
    [
        row("teacher", True, why="the teacher's school made it"),
        row("other_teacher", False, why="another school's booking"),
        row("host", True, why="on the host's company's offer"),
        row("other_host", False, why="on another company's offer"),
        row("consultant", True, why="a consultant sees everything"),
    ],
)
def test_booking_list_is_scoped(world, role, sees_booking, why):
    response = client(world, role).get("/api/v1/bookings/")

    assert response.status_code == 200
    assert (world["booking"].pk in ids(response)) is sees_booking, why


@pytest.mark.parametrize(
    ("role", "visible", "why"),
    [
        row("teacher", {"class"}, why="only the teacher's own school's classes"),
        row("other_teacher", {"other_class"}, why="only the teacher's own school's classes"),
        row("host", set(), why="companies see no classes"),
        row("consultant", {"class", "other_class"}, why="a consultant sees everything"),
    ],
)
def test_class_list_is_scoped(world, role, visible, why):
    response = client(world, role).get("/api/v1/classes/")

    assert ids(response) == {world[name].pk for name in visible}, why


@pytest.mark.parametrize(
    ("role", "sees_draft", "why"),
    [
        row("anonymous", False, why="drafts are seen only by their company"),
        row("teacher", False, why="drafts are seen only by their company"),
        row("host", True, why="the host's company's own draft"),
        row("other_host", False, why="drafts are seen only by their company"),
    ],
)
def test_offer_list_hides_drafts_from_outsiders(world, role, sees_draft, why):
    response = client(world, role).get("/api/v1/offers/")

    assert world["offer"].pk in ids(response)
    assert (world["draft"].pk in ids(response)) is sees_draft, why


ACTION_MATRIX = [
    # On the teacher's booking, set to "requested" first.
    row("anonymous", "confirm", 401, why=NOT_SIGNED_IN),
    row("teacher", "confirm", 403, why="the school side sees the booking but only the host answers a request"),
    row("other_teacher", "confirm", 404, why=NOT_YOURS),
    row("other_host", "confirm", 404, why=NOT_YOURS),
    row("host", "confirm", 200, why="the host answers requests on its offers"),
    row("consultant", "confirm", 200, why="a consultant acts for the company side too"),
    row("teacher", "decline", 403, why="the school side sees the booking but only the host answers a request"),
    row("host", "decline", 200, why="the host answers requests on its offers"),
    row("other_teacher", "cancel", 404, why=NOT_YOURS),
    row("other_host", "cancel", 404, why=NOT_YOURS),
    row("teacher", "cancel", 200, why="the school that booked may cancel before the deadline"),
    row("host", "cancel", 200, why="the host may cancel a booking on its offer"),
]


@pytest.mark.parametrize(("role", "action", "expected", "why"), ACTION_MATRIX)
def test_booking_actions(world, role, action, expected, why):
    booking = world["booking"]
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.REQUESTED)

    response = client(world, role).post(f"/api/v1/bookings/{booking.pk}/{action}/", {}, format="json")

    assert response.status_code == expected, (why, response.content)
    booking.refresh_from_db()
    assert (booking.status != Booking.Status.REQUESTED) is (expected == 200)


@pytest.mark.parametrize(
    ("role", "expected", "why"),
    [
        row("anonymous", 401, why=NOT_SIGNED_IN),
        row("teacher", 403, why=NOT_A_MEMBER),
        row(
            "other_host", 400, why="a company member, but `company` is not among those they may edit: an invalid choice"
        ),
        row("host", 201, why="a member of the offer's company"),
        row("consultant", 201, why="a consultant may act for any company"),
    ],
)
def test_offer_create_only_for_own_company(world, role, expected, why):
    payload = {
        "company": world["company"].pk,
        "kind": "expert_visit",
        "title": "Ingeniør på besøg",
        "description": "En ingeniør fortæller om vindmøller.",
        "subjects": ["physics-chemistry"],
    }

    response = client(world, role).post("/api/v1/offers/", payload, format="json")

    assert response.status_code == expected, (why, response.content)


@pytest.mark.parametrize(
    ("role", "expected", "why"),
    [
        row("anonymous", 401, why=NOT_SIGNED_IN),
        row("teacher", 403, why=NOT_A_MEMBER),
        row("other_host", 403, why="the offer is public to read, but it belongs to another company"),
        row("host", 200, why="a member of the offer's company"),
    ],
)
def test_offer_update_only_by_own_company(world, role, expected, why):
    response = client(world, role).patch(f"/api/v1/offers/{world['offer'].pk}/", {"title": "Nyt navn"}, format="json")

    assert response.status_code == expected, why
    world["offer"].refresh_from_db()
    assert (world["offer"].title == "Nyt navn") is (expected == 200)


@pytest.mark.parametrize(
    ("role", "expected", "why"),
    [
        row("anonymous", 401, why=NOT_SIGNED_IN),
        row("teacher", 403, why=NOT_A_MEMBER),
        row("other_host", 403, why="the slot is public to read, but it belongs to another company"),
        row("host", 200, why="a member of the slot's company"),
    ],
)
def test_slot_update_only_by_own_company(world, role, expected, why):
    response = client(world, role).patch(f"/api/v1/slots/{world['slot'].pk}/", {"capacity_classes": 5}, format="json")

    assert response.status_code == expected, why


@pytest.mark.parametrize(
    ("role", "expected", "why"),
    [
        row("anonymous", 401, why=NOT_SIGNED_IN),
        row("teacher", 403, why=NOT_A_MEMBER),
        row("other_host", 400, why=OFFER_NOT_EDITABLE),
        row("host", 201, why="a member of the offer's company"),
        row("consultant", 201, why="a consultant may act for any company"),
    ],
)
def test_slot_create_only_on_own_offers(world, role, expected, why):
    payload = {"offer": world["offer"].pk, "start": at(school_day(), 10).isoformat()}

    response = client(world, role).post("/api/v1/slots/", payload, format="json")

    assert response.status_code == expected, (why, response.content)
    if expected == 400:
        assert "offer" in response.json()


@pytest.mark.parametrize(
    ("role", "expected", "why"),
    [
        row("anonymous", 401, why=NOT_SIGNED_IN),
        row("teacher", 201, why="a teacher adds classes to their own school"),
        row("host", 403, why="only teachers add classes"),
    ],
)
def test_class_create_only_by_teachers_for_their_school(world, role, expected, why):
    payload = {"name": "9.C", "grade": 9, "school_year": school_year_of(today()), "pupils": 23}

    response = client(world, role).post("/api/v1/classes/", payload, format="json")

    assert response.status_code == expected, why
    if expected == 201:
        assert response.json()["school"] == world["class"].school_id


def test_companies_cannot_be_changed_through_the_api(world):
    response = client(world, "host").patch(f"/api/v1/companies/{world['company'].pk}/", {"name": "X"}, format="json")

    assert response.status_code == 405


def test_booking_link_in_e_mails_opens_the_booking_only_for_those_allowed(world, client):
    url = f"/bookings/{world['booking'].pk}/"

    assert client.get(url).status_code == 302  # to the sign-in page
    for role, expected in [("teacher", 200), ("host", 200), ("other_teacher", 404), ("other_host", 404)]:
        client.force_login(world["users"][role])
        assert client.get(url).status_code == expected, role


PAGE_MATRIX = [
    # (method, page, role, expected status); 302 for anonymous is the way to the sign-in page
    ("get", "/bookings/{booking}/cancel/", "anonymous", 302),
    ("get", "/bookings/{booking}/cancel/", "teacher", 200),
    ("get", "/bookings/{booking}/cancel/", "host", 200),
    ("get", "/bookings/{booking}/cancel/", "other_teacher", 404),
    ("get", "/bookings/{booking}/cancel/", "other_host", 404),
    ("post", "/bookings/{booking}/cancel/", "anonymous", 302),
    ("post", "/bookings/{booking}/cancel/", "other_teacher", 404),
    ("post", "/bookings/{booking}/cancel/", "other_host", 404),
    ("post", "/bookings/{booking}/move/", "anonymous", 302),
    ("post", "/bookings/{booking}/move/", "other_teacher", 404),
    ("post", "/bookings/{booking}/move/", "other_host", 404),
    ("get", "/host/slots/{slot}/edit/", "anonymous", 302),
    ("get", "/host/slots/{slot}/edit/", "teacher", 404),
    ("get", "/host/slots/{slot}/edit/", "other_teacher", 404),
    ("get", "/host/slots/{slot}/edit/", "other_host", 404),
    ("get", "/host/slots/{slot}/edit/", "host", 200),
    ("get", "/host/slots/{slot}/edit/", "consultant", 200),
    ("post", "/host/slots/{slot}/edit/", "anonymous", 302),
    ("post", "/host/slots/{slot}/edit/", "teacher", 404),
    ("post", "/host/slots/{slot}/edit/", "other_host", 404),
    ("post", "/host/slots/{slot}/delete/", "anonymous", 302),
    ("post", "/host/slots/{slot}/delete/", "teacher", 404),
    ("post", "/host/slots/{slot}/delete/", "other_teacher", 404),
    ("post", "/host/slots/{slot}/delete/", "other_host", 404),
]


@pytest.mark.parametrize(("method", "page", "role", "expected"), PAGE_MATRIX)
def test_page_access(world, method, page, role, expected):
    """Pages answer like the API: not yours is 404; anonymous goes to the sign-in page; and
    nothing changes for those turned away."""
    from django.test import Client

    browser = Client()
    if role != "anonymous":
        browser.force_login(world["users"][role])
    data = {"confirm": "yes", "capacity_classes": "5"} if method == "post" else {}

    response = getattr(browser, method)(url_for(world, page), data)

    assert response.status_code == expected, response.content[:300]
    if expected == 302:
        assert response["Location"].startswith("/login/")
    world["booking"].refresh_from_db()
    assert world["booking"].status == Booking.Status.CONFIRMED
    world["slot"].refresh_from_db()
    assert world["slot"].capacity_classes == 2


# Pages for bringing people on board ---------------------------------------------------------

ONBOARDING_PAGES = [
    # (url, role, expected status of a GET)
    *[("/password/reset/", role, 200) for role in ROLES],
    *[("/password/reset/sent/", role, 200) for role in ROLES],
    *[("/password/reset/done/", role, 200) for role in ROLES],
    ("/password/reset/MQ/broken-link/", "anonymous", 200),  # says the link does not work
    ("/password/welcome/MQ/broken-link/", "anonymous", 200),
    ("/people/invite/", "anonymous", 302),  # to the sign-in page
    ("/people/invite/", "teacher", 404),
    ("/people/invite/", "host", 404),
    ("/people/invite/", "other_host", 404),
    ("/people/invite/", "consultant", 200),
]


def web_client_for(world, role: str) -> Client:
    web = Client()
    if role != "anonymous":
        web.force_login(world["users"][role])
    return web


@pytest.mark.parametrize(("url", "role", "expected"), ONBOARDING_PAGES)
def test_onboarding_pages(world, url, role, expected):
    response = web_client_for(world, role).get(url_for(world, url))

    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("teacher", 404), ("host", 404), ("consultant", 302)]
)
def test_only_consultants_invite_from_the_invite_page(world, role, expected):
    """Anyone else inviting gets the sign-in page or 404, and no account is made."""
    data = {"email": "ny@example.dk", "first_name": "Ny", "last_name": "Person", "role": "host", "language": "da"}

    response = web_client_for(world, role).post("/people/invite/", data | {"company": world["company"].pk})

    assert response.status_code == expected
    assert world["company"].members.filter(user__email="ny@example.dk").exists() is (role == "consultant")


# A company's people page: members see it, administrators and consultants change it ----------


@pytest.fixture
def people_world(world, host):
    """`world` plus an administrator of the host's company, the host's membership and a role model."""
    admin = factories.CompanyMemberFactory(company=host.company, role="admin", user__username="chef")
    return world | {
        "users": world["users"] | {"admin": admin.user},
        "member": host,
        "role_model": factories.RoleModelFactory(company=host.company),
    }


PEOPLE_ROLES = [*ROLES, "admin"]
COMPANY_PAGES = [
    # (url, {role: expected status of a GET}); a role left out answers 404
    ("/host/company/", {"anonymous": 302, "host": 302, "other_host": 302, "admin": 302, "consultant": 200}),
    ("/host/company/{company}/", {"anonymous": 302, "host": 200, "admin": 200, "consultant": 200}),
    ("/host/company/{company}/role-models/new/", {"anonymous": 302, "host": 403, "admin": 200, "consultant": 200}),
    (
        "/host/company/{company}/role-models/{role_model}/",
        {"anonymous": 302, "host": 403, "admin": 200, "consultant": 200},
    ),
]


@pytest.mark.parametrize("role", PEOPLE_ROLES)
@pytest.mark.parametrize(("url", "expected"), COMPANY_PAGES)
def test_company_pages(people_world, url, expected, role):
    response = web_client_for(people_world, role).get(url_for(people_world, url))

    assert response.status_code == expected.get(role, 404)


COMPANY_ACTIONS = [
    # (url, data, did it happen?)
    (
        "/host/company/{company}/invite/",
        {"email": "ny@example.dk", "first_name": "Ny", "last_name": "Kollega", "role": "host", "language": "da"},
        lambda world: world["company"].members.filter(user__email="ny@example.dk").exists(),
    ),
    (
        "/host/company/{company}/members/{member}/role/",
        {"role": "admin"},
        lambda world: world["company"].members.filter(pk=world["member"].pk, role="admin").exists(),
    ),
    (
        "/host/company/{company}/members/{member}/remove/",
        {},
        lambda world: not world["company"].members.filter(pk=world["member"].pk).exists(),
    ),
    (
        "/host/company/{company}/role-models/new/",
        {"name": "Ny rollemodel", "job_title": "Smed"},
        lambda world: world["company"].role_models.filter(name="Ny rollemodel").exists(),
    ),
    (
        "/host/company/{company}/role-models/{role_model}/",
        {"name": "Nyt navn", "job_title": "Smed"},
        lambda world: world["company"].role_models.filter(name="Nyt navn").exists(),
    ),
]
ACTION_STATUS = {"anonymous": 302, "host": 403, "admin": 302, "consultant": 302}


@pytest.mark.parametrize("role", PEOPLE_ROLES)
@pytest.mark.parametrize(("url", "data", "happened"), COMPANY_ACTIONS)
def test_company_people_actions(people_world, url, data, happened, role):
    """Only the company's administrators and consultants change its people and role models;
    its hosts get 403, everyone else 404 (or the sign-in page), and nothing changes."""
    response = web_client_for(people_world, role).post(url_for(people_world, url), data)

    assert response.status_code == ACTION_STATUS.get(role, 404)
    assert happened(people_world) is (role in {"admin", "consultant"})


# A teacher visit: the teacher's own booking, no class ---------------------------------------


@pytest.fixture
def visit_world(world, teacher, host):
    """`world` plus a teacher visit booked by `teacher` on `host`'s company, and a colleague
    of the teacher at the same school."""
    offer = factories.OfferFactory(company=host.company, contact=host, kind="teacher_visit", title="Lærerpraktik")
    slot = factories.SlotFactory(offer=offer, capacity_classes=3)
    colleague = factories.TeacherFactory(school=teacher.school, user__username="kollega")
    visit = services.booking_create(actor=teacher.user, slot_id=slot.pk)
    return world | {"users": world["users"] | {"colleague": colleague.user}, "visit": visit}


VISIT_ROLES = {
    # role: (status of the API's and the booking page's GET, may cancel)
    "anonymous": (401, False),
    "teacher": (200, True),
    "colleague": (200, True),  # the school's side, as for its classes' bookings
    "other_teacher": (404, False),
    "host": (200, True),
    "other_host": (404, False),
    "consultant": (200, True),
}


@pytest.mark.parametrize("role", VISIT_ROLES)
def test_teacher_visit_is_seen_by_the_teacher_their_school_and_the_host_only(visit_world, role):
    expected, _ = VISIT_ROLES[role]
    url = f"/api/v1/bookings/{visit_world['visit'].pk}/"

    assert client(visit_world, role).get(url).status_code == expected
    page = web_client_for(visit_world, role).get(f"/bookings/{visit_world['visit'].pk}/")
    assert page.status_code == (302 if role == "anonymous" else expected)


@pytest.mark.parametrize("role", [role for role in VISIT_ROLES if role != "anonymous"])
def test_teacher_visit_is_listed_for_those_who_see_it(visit_world, role):
    expected, _ = VISIT_ROLES[role]

    listed = ids(client(visit_world, role).get("/api/v1/bookings/"))

    assert (visit_world["visit"].pk in listed) is (expected == 200)


@pytest.mark.parametrize("role", VISIT_ROLES)
def test_teacher_visit_is_cancelled_only_by_its_sides(visit_world, role):
    expected, may_cancel = VISIT_ROLES[role]
    visit = visit_world["visit"]

    response = client(visit_world, role).post(f"/api/v1/bookings/{visit.pk}/cancel/", {}, format="json")

    assert response.status_code == (200 if may_cancel else expected)
    visit.refresh_from_db()
    assert (visit.status == Booking.Status.CANCELLED) is may_cancel


# Matching runs: the consultant's work, within their area --------------------------------------


@pytest.fixture
def run_world(world):
    """`world` plus an adoption round in Aalborg (the factories' municipality) with the host's
    company's capacity and the teacher's class's wish, a forbidden pair, a finished run, and a
    consultant whose area is elsewhere (Morsø)."""
    from adoptions.services import pair_forbid, run_execute, run_start

    adoption_round = factories.AdoptionRoundFactory(title="Brobyg Nord", school_year=school_year_of(today()))
    factories.CompanyCapacityFactory(round=adoption_round, company=world["company"], classes=2)
    factories.WishChoiceFactory(
        wish__round=adoption_round, wish__school_class=world["class"], company=world["company"], sector=None
    )
    consultant = world["users"]["consultant"]
    # The rule comes before the run, which keeps it: a run older than a rule it breaks is not accepted.
    rule = pair_forbid(
        actor=consultant, round=adoption_round, school_class=world["class"], company=world["company"], reason="Prøve"
    )
    run = run_execute(run_id=run_start(actor=consultant, round=adoption_round).pk)
    far = consultant_for("konsulent-mors", MORSOE)
    return world | {
        "users": world["users"] | {"far_consultant": far},
        "round": adoption_round,
        "run": run,
        "rule": rule,
    }


RUN_ROLES = [*ROLES, "far_consultant"]
RUN_READS = [
    # (url, status for a consultant of the area); anonymous 401, everyone else 404
    ("/api/v1/match-runs/{run}/", 200),
    ("/api/v1/match-runs/{run}/result/", 200),
    ("/api/v1/pair-rules/{rule}/", 200),
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize(("url", "expected"), RUN_READS)
def test_match_runs_are_read_by_the_area_consultant_only(run_world, url, expected, role):
    response = client(run_world, role).get(url_for(run_world, url))

    assert response.status_code == {"anonymous": 401, "consultant": expected}.get(role, 404)


RUN_WRITES = [
    # (method, url, data, {role: status}); anonymous 401, teachers and hosts 403 (not consultants)
    ("post", "/api/v1/match-runs/", {"round": "{round}"}, {"consultant": 201, "far_consultant": 400}),
    (
        "post",
        "/api/v1/pair-rules/",
        {"round": "{round}", "school_class": "{class}", "company": "{company}", "kind": "lock", "reason": "Aftalt"},
        {"consultant": 400, "far_consultant": 400},  # the pair is forbidden already; the round is not theirs
    ),
    ("delete", "/api/v1/pair-rules/{rule}/", None, {"consultant": 204, "far_consultant": 404}),
    ("post", "/api/v1/match-runs/{run}/accept/", None, {"consultant": 200, "far_consultant": 404}),
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize(("method", "url", "data", "expected"), RUN_WRITES)
def test_match_run_writes_are_for_the_area_consultant_only(run_world, method, url, data, expected, role):
    payload = {key: url_for(run_world, value) for key, value in (data or {}).items()}

    response = getattr(client(run_world, role), method)(url_for(run_world, url), payload, format="json")

    assert response.status_code == {"anonymous": 401, **expected}.get(role, 403), response.content[:300]


RUN_PAGES = [
    # (method, page, status for the area consultant); anonymous 302 to sign in, everyone else 404
    ("get", "/runs/{run}/", 200),
    ("get", "/runs/{run}/progress/", 200),
    ("post", "/rounds/{round}/runs/start/", 302),
    ("post", "/rounds/{round}/pair-rules/", 302),
    ("post", "/pair-rules/{rule}/delete/", 302),
    ("post", "/runs/{run}/accept/", 302),
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize(("method", "page", "expected"), RUN_PAGES)
def test_run_pages_are_for_the_area_consultant_only(run_world, method, page, expected, role):
    from adoptions.models import Adoption, PairRule

    response = getattr(web_client_for(run_world, role), method)(url_for(run_world, page), {"confirm": "on"})

    assert response.status_code == {"anonymous": 302, "consultant": expected}.get(role, 404)
    if role == "anonymous":
        assert response["Location"].startswith("/login/")
    if role != "consultant":
        assert PairRule.objects.filter(pk=run_world["rule"].pk).exists()
        assert not Adoption.objects.exists()


# Annual plans: adoptions, plans, activities (API and pages) ------------------------------------


@pytest.fixture
def plan_world(world):
    """`teacher`'s class adopted by `host`'s company, with one activity on its plan; the
    consultant sees the whole installation (no area set)."""
    from adoptions.services import activity_create, adoption_create

    adoption = adoption_create(school_class=world["class"], company=world["company"])
    activity = activity_create(
        actor=world["users"]["teacher"], plan=adoption.plan, title="Virksomhedsbesøg", kind="company_visit"
    )
    return {**world, "adoption": adoption, "plan": adoption.plan, "activity": activity}


PLAN_READERS = {
    "anonymous": 401,
    "teacher": 200,  # the class's school
    "other_teacher": 404,
    "host": 200,  # the adopting company
    "other_host": 404,
    "consultant": 200,  # a consultant's area (here: everything)
}
PLAN_READ_URLS = [
    "/api/v1/adoptions/{adoption}/",
    "/api/v1/plans/{plan}/",
    "/api/v1/plans/{plan}/history/",
    "/api/v1/activities/{activity}/",
]


@pytest.mark.parametrize("url", PLAN_READ_URLS)
@pytest.mark.parametrize("role", ROLES)
def test_plan_api_reads(plan_world, url, role):
    assert client(plan_world, role).get(url_for(plan_world, url)).status_code == PLAN_READERS[role]


PLAN_WRITES = [
    # (method, url, body, status when allowed)
    ("patch", "/api/v1/plans/{plan}/", {"target_activities": 12}, 200),
    ("post", "/api/v1/activities/", {"plan": "{plan}", "title": "Ekspert", "kind": "expert_at_school"}, 201),
    ("patch", "/api/v1/activities/{activity}/", {"title": "Nyt navn"}, 200),
    ("post", "/api/v1/activities/{activity}/status/", {"status": "idea"}, 200),
    ("post", "/api/v1/adoptions/{adoption}/renewal/", {"wants": True, "side": "school"}, 200),
    ("delete", "/api/v1/activities/{activity}/", None, 204),
]
# Outsiders cannot see the plan (404); a new activity on a plan they cannot see is a bad `plan` (400).
PLAN_WRITE_REFUSED = {"anonymous": 401, "other_teacher": 404, "other_host": 404}


@pytest.mark.parametrize(("method", "url", "body", "allowed"), PLAN_WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_plan_api_writes(plan_world, method, url, body, allowed, role):
    """Teacher, host and consultant each write the plan; everyone else changes nothing."""
    if body and body.get("plan") == "{plan}":
        body = {**body, "plan": plan_world["plan"].pk}
    before = plan_world["plan"].changes.count()
    response = getattr(client(plan_world, role), method)(url_for(plan_world, url), body, format="json")
    expected = PLAN_WRITE_REFUSED.get(role, allowed)
    if role in ("other_teacher", "other_host") and url == "/api/v1/activities/":
        expected = 400
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert plan_world["plan"].changes.count() == before


PLAN_PAGES = [
    "/adoptions/",
    "/plans/{plan}/",
    "/plans/{plan}/edit/",
    "/plans/{plan}/print/",
    "/plans/{plan}/plan.ics",
    "/plans/{plan}/activities/new/",
    "/activities/{activity}/edit/",
    "/activities/{activity}/delete/",
    "/activities/{activity}/book/",
]


@pytest.mark.parametrize("page", PLAN_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_plan_pages(plan_world, page, role):
    """Signed-in sides see and edit; outsiders get 404 (the list page: their own, empty list);
    anonymous goes to sign in."""
    response = web_client_for(plan_world, role).get(url_for(plan_world, page))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    elif page == "/adoptions/":
        assert response.status_code == 200
        assert (f'href="/plans/{plan_world["plan"].pk}/"' in response.content.decode()) is (PLAN_READERS[role] == 200)
    else:
        assert response.status_code == PLAN_READERS[role]


@pytest.mark.parametrize("role", [role for role in ROLES if PLAN_READERS[role] != 200])
def test_plan_page_posts_change_nothing_for_outsiders(plan_world, role):
    """The sides' writes through the pages are in tests/web/test_plans_pages.py."""
    web = web_client_for(plan_world, role)
    for page, data in [
        ("/plans/{plan}/edit/", {"target_activities": "20"}),
        ("/plans/{plan}/activities/new/", {"title": "x", "kind": "project", "status": "idea"}),
        ("/activities/{activity}/delete/", {}),
        ("/adoptions/{adoption}/renewal/", {"wants": "yes", "side": "school"}),
    ]:
        assert web.post(url_for(plan_world, page), data).status_code in (302, 404)
    plan_world["plan"].refresh_from_db()
    assert plan_world["plan"].target_activities == 10
    assert plan_world["plan"].activities.count() == 1
    assert plan_world["plan"].changes.count() == 1


# The consultant's workspace: consultants only; anyone else gets the sign-in page or 404 ---

WORKSPACE_PAGES = ["/workspace/", "/workspace/bookings/", "/workspace/adoptions/", "/workspace/plans/"]
WORKSPACE_STATUS = {"anonymous": 302, "consultant": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [*WORKSPACE_PAGES, *(f"{url}?format=csv" for url in WORKSPACE_PAGES[1:])])
def test_workspace_pages(world, url, role):
    response = web_client_for(world, role).get(url)

    assert response.status_code == WORKSPACE_STATUS.get(role, 404), response.content[:300]
    if role == "anonymous":
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
def test_only_consultants_send_failed_messages_again(world, role):
    """Anyone else gets the sign-in page or 404, and the failed message stays failed."""
    from notifications.models import OutgoingMessage

    message = OutgoingMessage.objects.create(
        kind="booking_confirmed",
        subject_key=f"booking:{world['booking'].pk}",
        role="teacher",
        recipient_email="laerer@example.dk",
        due_at=world["slot"].start,
        dedup_key="permissions:retry",
        status=OutgoingMessage.Status.FAILED,
    )

    response = web_client_for(world, role).post("/workspace/messages/retry/")

    assert response.status_code == {"anonymous": 302, "consultant": 302}.get(role, 404)
    message.refresh_from_db()
    assert (message.status == OutgoingMessage.Status.PENDING) is (role == "consultant")


# Adoption rounds: rounds, capacities and wishes (API and pages) -----------------------------


@pytest.fixture
def round_world(world, host, teacher):
    """`world` plus an adoption round of the world's classes' school year in their area (Aalborg),
    the host's company's capacity and the teacher's class's wishes in it, and a consultant whose
    area (Hjørring) the round does not touch."""
    far = consultant_for("hjørring-konsulent", HJORRING)
    adoption_round = factories.AdoptionRoundFactory(school_year=world["class"].school_year)
    capacity = factories.CompanyCapacityFactory(round=adoption_round, company=host.company, classes=2)
    wish = factories.WishChoiceFactory(wish__round=adoption_round, wish__school_class=world["class"]).wish
    return world | {
        "users": world["users"] | {"far_consultant": far},
        "round": adoption_round,
        "capacity": capacity,
        "wish": wish,
    }


ROUND_READS = [
    row("/api/v1/adoption-rounds/{round}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/adoption-rounds/{round}/", "teacher", 200, why="the round's area holds the teacher's school"),
    row("/api/v1/adoption-rounds/{round}/", "host", 200, why="the round's area holds the host's company"),
    row("/api/v1/adoption-rounds/{round}/", "consultant", 200, why="a consultant with no area sees every round"),
    row("/api/v1/adoption-rounds/{round}/", "far_consultant", 404, why="the round does not touch their area"),
    row("/api/v1/adoption-capacities/{capacity}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/adoption-capacities/{capacity}/", "teacher", 404, why="a company's capacity is the company's"),
    row("/api/v1/adoption-capacities/{capacity}/", "host", 200, why="the host's own company's capacity"),
    row("/api/v1/adoption-capacities/{capacity}/", "other_host", 404, why=NOT_YOURS),
    row("/api/v1/adoption-capacities/{capacity}/", "consultant", 200, why="a consultant sees their area's"),
    row("/api/v1/adoption-capacities/{capacity}/", "far_consultant", 404, why="a company outside their area"),
    row("/api/v1/adoption-wishes/{wish}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/adoption-wishes/{wish}/", "teacher", 200, why="a class of the teacher's school"),
    row("/api/v1/adoption-wishes/{wish}/", "other_teacher", 404, why=NOT_YOURS),
    row("/api/v1/adoption-wishes/{wish}/", "host", 404, why="companies see no classes' wishes"),
    row("/api/v1/adoption-wishes/{wish}/", "consultant", 200, why="a consultant sees their area's"),
    row("/api/v1/adoption-wishes/{wish}/", "far_consultant", 404, why="a class outside their area"),
]


@pytest.mark.parametrize(("url", "role", "expected", "why"), ROUND_READS)
def test_round_read_access(round_world, url, role, expected, why):
    assert client(round_world, role).get(url_for(round_world, url)).status_code == expected, why


def _round_payload(world) -> dict:
    return {"title": "Ny runde", "school_year": world["round"].school_year, "municipalities": [851]}


def _capacity_payload(world) -> dict:
    return {"round": world["round"].pk, "company": world["company"].pk, "classes": 4}


def _wish_payload(world) -> dict:
    return {"round": world["round"].pk, "school_class": world["class"].pk, "choices": [{"sector": "ict"}]}


ROUND_WRITES = [
    # (method, url, payload, role, expected status, why); a 2xx must change the row, anything else must not
    row("post", "/api/v1/adoption-rounds/", _round_payload, "anonymous", 401, why=NOT_SIGNED_IN),
    row("post", "/api/v1/adoption-rounds/", _round_payload, "teacher", 403, why="only consultants open rounds"),
    row("post", "/api/v1/adoption-rounds/", _round_payload, "host", 403, why="only consultants open rounds"),
    row("post", "/api/v1/adoption-rounds/", _round_payload, "consultant", 201, why="a consultant opens rounds"),
    row(
        "patch", "/api/v1/adoption-rounds/{round}/", {"title": "Nyt"}, "teacher", 403, why="sees it, may not change it"
    ),
    row("patch", "/api/v1/adoption-rounds/{round}/", {"title": "Nyt"}, "far_consultant", 404, why="not their area"),
    row("patch", "/api/v1/adoption-rounds/{round}/", {"title": "Nyt"}, "consultant", 200, why="the round's consultant"),
    row("post", "/api/v1/adoption-rounds/{round}/priorities/", {"weight_outlying": 0}, "host", 403, why="consultant's"),
    row(
        "post", "/api/v1/adoption-rounds/{round}/priorities/", {"weight_outlying": 0}, "far_consultant", 404, why="area"
    ),
    row("post", "/api/v1/adoption-rounds/{round}/priorities/", {"weight_outlying": 0}, "consultant", 200, why="theirs"),
    row("post", "/api/v1/adoption-capacities/", _capacity_payload, "anonymous", 401, why=NOT_SIGNED_IN),
    row("post", "/api/v1/adoption-capacities/", _capacity_payload, "teacher", 403, why=NOT_A_MEMBER),
    row("post", "/api/v1/adoption-capacities/", _capacity_payload, "other_host", 400, why="not a company they act for"),
    row("post", "/api/v1/adoption-capacities/", _capacity_payload, "host", 200, why="their company; stated again"),
    row("post", "/api/v1/adoption-capacities/", _capacity_payload, "consultant", 200, why="the round's consultant"),
    row("patch", "/api/v1/adoption-capacities/{capacity}/", {"classes": 4}, "teacher", 403, why=NOT_A_MEMBER),
    row("patch", "/api/v1/adoption-capacities/{capacity}/", {"classes": 4}, "other_host", 404, why=NOT_YOURS),
    row("patch", "/api/v1/adoption-capacities/{capacity}/", {"classes": 4}, "host", 200, why="their company's"),
    row("delete", "/api/v1/adoption-capacities/{capacity}/", {}, "other_host", 404, why=NOT_YOURS),
    row("delete", "/api/v1/adoption-capacities/{capacity}/", {}, "teacher", 403, why=NOT_A_MEMBER),
    row("delete", "/api/v1/adoption-capacities/{capacity}/", {}, "host", 204, why="their company withdraws"),
    row("post", "/api/v1/adoption-wishes/", _wish_payload, "anonymous", 401, why=NOT_SIGNED_IN),
    row("post", "/api/v1/adoption-wishes/", _wish_payload, "host", 403, why="only teachers state wishes"),
    row("post", "/api/v1/adoption-wishes/", _wish_payload, "other_teacher", 400, why="not a class of their school"),
    row("post", "/api/v1/adoption-wishes/", _wish_payload, "teacher", 200, why="their school's class; stated again"),
    row("post", "/api/v1/adoption-wishes/", _wish_payload, "consultant", 200, why="the round's consultant"),
    row("patch", "/api/v1/adoption-wishes/{wish}/", {"max_travel_km": 99}, "host", 403, why="only teachers"),
    row("patch", "/api/v1/adoption-wishes/{wish}/", {"max_travel_km": 99}, "other_teacher", 404, why=NOT_YOURS),
    row("patch", "/api/v1/adoption-wishes/{wish}/", {"max_travel_km": 99}, "teacher", 200, why="their class's"),
    row("delete", "/api/v1/adoption-wishes/{wish}/", {}, "other_teacher", 404, why=NOT_YOURS),
    row("delete", "/api/v1/adoption-wishes/{wish}/", {}, "teacher", 204, why="their class withdraws"),
]


def _round_world_state(world) -> tuple:
    from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity

    round = AdoptionRound.objects.get(pk=world["round"].pk)
    capacity = CompanyCapacity.objects.filter(pk=world["capacity"].pk).values_list("classes", flat=True).first()
    wish = ClassWish.objects.filter(pk=world["wish"].pk).first()
    choices = [(choice.sector_id, choice.company_id) for choice in wish.choices.all()] if wish else None
    return (
        AdoptionRound.objects.count(),
        round.title,
        round.weight_outlying,
        capacity,
        wish.max_travel_km if wish else None,
        choices,
    )


@pytest.mark.parametrize(("method", "url", "payload", "role", "expected", "why"), ROUND_WRITES)
def test_round_writes(round_world, method, url, payload, role, expected, why):
    """Who may open and change rounds, state capacity and wishes; anything refused changes nothing."""
    before = _round_world_state(round_world)
    data = payload(round_world) if callable(payload) else payload

    response = getattr(client(round_world, role), method)(url_for(round_world, url), data, format="json")

    assert response.status_code == expected, (why, response.content[:300])
    assert (_round_world_state(round_world) != before) is (expected < 300), why


ROUND_PAGES = [
    # (page, {role: expected status of a GET}); a role left out answers 404, anonymous goes to sign in
    ("/rounds/", {"consultant": 200, "far_consultant": 200}),
    ("/rounds/new/", {"consultant": 200, "far_consultant": 200}),
    ("/rounds/{round}/", {"consultant": 200}),
    ("/rounds/{round}/edit/", {"consultant": 200}),
    ("/rounds/{round}/priorities/", {"consultant": 200}),
    ("/rounds/{round}/companies/{company}/capacity/", {"host": 200, "consultant": 200}),
    ("/rounds/{round}/classes/{class}/wishes/", {"teacher": 200, "consultant": 200}),
    # Registering a class for the round: teachers of schools in its area; the others have no school.
    ("/rounds/{round}/classes/new/", {"teacher": 200, "other_teacher": 200}),
    (
        "/my-rounds/",
        {
            "teacher": 200,
            "other_teacher": 200,
            "host": 200,
            "other_host": 200,
            "consultant": 302,
            "far_consultant": 302,
        },
    ),
]


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
@pytest.mark.parametrize(("url", "expected"), ROUND_PAGES)
def test_round_pages(round_world, url, expected, role):
    response = web_client_for(round_world, role).get(url_for(round_world, url))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected.get(role, 404), response.content[:300]


# Open days: matching runs, placements and publication (API and pages) ----------------------


@pytest.fixture
def openday_match_world(world):
    """A closed open day in Aalborg and Hjørring with one host, one confirmed applicant and a
    finished run; a consultant for Morsø beside the day's consultant."""
    from opendays.services.runs import run_execute, run_start
    from tests.opendays.conftest_match import make_application, make_day, make_host

    day = make_day()
    place = make_host(day, company=world["company"], places=2)
    make_application(day, place)
    run = run_execute(run_id=run_start(actor=world["users"]["consultant"], open_day=day, seed=1).pk)
    return world | {
        "users": world["users"] | {"far_consultant": consultant_for("konsulent-mors-od", MORSOE)},
        "day": day,
        "place": place,
        "run": run,
        "placement": run.placements.get(),
    }


OPENDAY_RUN_READS = [
    # (url, status for the day's consultant); anonymous 401, everyone else 404
    ("/api/v1/open-day-runs/{run}/", 200),
    ("/api/v1/open-day-placements/{placement}/", 200),
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize(("url", "allowed"), OPENDAY_RUN_READS)
def test_openday_run_api_reads(openday_match_world, url, allowed, role):
    """Runs and placements are the day's consultant's work: anyone else finds nothing."""
    expected = {"anonymous": 401, "consultant": allowed}.get(role, 404)
    assert client(openday_match_world, role).get(url_for(openday_match_world, url)).status_code == expected


OPENDAY_RUN_WRITES = [
    # (method, url, body, {role: status}); anonymous 401, teachers and hosts 403, others as given
    ("post", "/api/v1/open-day-runs/", {"open_day": "{day}"}, {"consultant": 201, "far_consultant": 400}),
    (
        "post",
        "/api/v1/open-day-placements/{placement}/remove/",
        {"reason": "Prøve"},
        {"consultant": 200, "far_consultant": 404},
    ),
    ("post", "/api/v1/open-day-runs/{run}/publish/", None, {"consultant": 200, "far_consultant": 404}),
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize(("method", "url", "body", "expected"), OPENDAY_RUN_WRITES)
def test_openday_run_api_writes(openday_match_world, method, url, body, expected, role):
    """Only the day's consultant starts, adjusts and publishes; a consultant elsewhere sees no such day."""
    body = {key: url_for(openday_match_world, value) for key, value in (body or {}).items()}
    response = getattr(client(openday_match_world, role), method)(
        url_for(openday_match_world, url), body, format="json"
    )
    status = {"anonymous": 401, "teacher": 403, "other_teacher": 403, "host": 403, "other_host": 403}
    assert response.status_code == (status | expected).get(role, 404), response.content[:300]


OPENDAY_RUN_PAGES = [
    "/open-days/{day}/runs/",
    "/open-days/{day}/runs/{run}/",
    "/open-days/{day}/runs/{run}/progress/",
    "/open-days/{day}/runs/{run}/placements/{placement}/move/",
]


@pytest.mark.parametrize("role", RUN_ROLES)
@pytest.mark.parametrize("url", OPENDAY_RUN_PAGES)
def test_openday_run_pages(openday_match_world, url, role):
    """The day's consultant sees them; another consultant, teachers and hosts get 404; anonymous signs in."""
    response = web_client_for(openday_match_world, role).get(url_for(openday_match_world, url))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == (200 if role == "consultant" else 404)


@pytest.mark.parametrize("role", [role for role in RUN_ROLES if role != "consultant"])
def test_openday_run_page_posts_change_nothing_for_others(openday_match_world, role):
    """Starting, taking out and publishing through the pages is refused to anyone but the day's consultant."""
    web = web_client_for(openday_match_world, role)
    for url, data in [
        ("/open-days/{day}/runs/start/", {}),
        ("/open-days/{day}/runs/{run}/placements/{placement}/remove/", {"reason": "x"}),
        ("/open-days/{day}/runs/{run}/publish/", {"confirm": "on"}),
    ]:
        assert web.post(url_for(openday_match_world, url), data).status_code in (302, 404)
    placement = openday_match_world["placement"]
    placement.refresh_from_db()
    assert placement.host_id is not None
    assert openday_match_world["day"].runs.count() == 1
    openday_match_world["day"].refresh_from_db()
    assert openday_match_world["day"].status == "matching"


# Open days after publication (waiting-list offers, surveys): pages through a pupil's link,
# and the host survey for the company's members.


@pytest.fixture
def openday_after_world(world):
    """`world` plus an open day two days ago hosted by the host's company, with a participant,
    and a coming day where a waitlisted applicant has been offered a freed place."""
    from opendays.services import places_freed
    from tests.opendays.helpers_after import make_application, make_day, make_host

    past = make_day(days_from_today=-2)
    past_host = make_host(past, company=world["company"])
    participant = make_application(past, host=past_host, outcome="placed")
    coming = make_day(days_from_today=20)
    coming_host = make_host(coming)
    offered = make_application(coming, preferences=[coming_host], outcome="waitlisted", waitlist_position=1)
    places_freed(host=coming_host)
    return world | {"od_host": past_host, "participant": participant, "offered": offered}


OPENDAY_AFTER_PAGES = [
    # (page, {role: expected status of a GET}); a role left out answers 404, anonymous goes to sign in
    ("/open-days/hosts/{od_host}/survey/", {"host": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), OPENDAY_AFTER_PAGES)
def test_openday_after_pages(openday_after_world, url, expected, role):
    """The host survey is the host company's only: not another company's, not the consultant's."""
    response = web_client_for(openday_after_world, role).get(url_for(openday_after_world, url))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected.get(role, 404), response.content[:300]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "whose"), [("offer", "offered"), ("survey", "participant")])
def test_openday_link_pages(openday_after_world, role, page, whose):
    """A pupil's link opens her page whoever holds it (no account); any other token answers 404,
    signed in or not."""
    from opendays.models import LinkPurpose

    web = web_client_for(openday_after_world, role)
    token = openday_after_world[whose].link_token(LinkPurpose.APPLICANT)

    assert web.get(f"/open-days/{page}/{token}/").status_code == 200
    assert web.get(f"/open-days/{page}/{'0' * 64}/").status_code == 404
    guardian = openday_after_world[whose].link_token(LinkPurpose.GUARDIAN)
    assert web.get(f"/open-days/{page}/{guardian}/").status_code == 404


# Open days: the consultant's days, companies' host registrations (pages and API) ---------------


@pytest.fixture
def openday_days_world(world):
    """`world` plus an open day in Aalborg with `host`'s company registered, a second open day no
    one hosts yet, a published day held today with one pupil placed at `host`'s company, and a
    consultant whose area is elsewhere (Morsø). `consultant` sees the whole installation."""
    from opendays.models import Application, OpenDay
    from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory

    day = OpenDayFactory(title="Tekniske Piger-dag")
    day_host = HostFactory(open_day=day, company=world["company"])
    unhosted = OpenDayFactory(title="Erhvervsdag")
    done = OpenDayFactory(
        date=today(),
        applications_open=timezone.now() - dt.timedelta(days=40),
        applications_close=timezone.now() - dt.timedelta(days=20),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=9),
    )
    done_host = HostFactory(open_day=done, company=world["company"])
    placed = ApplicationFactory(open_day=done, host=done_host, outcome=Application.Outcome.PLACED)
    far = consultant_for("konsulent-mors-dage", MORSOE)
    return world | {
        "users": world["users"] | {"far_consultant": far},
        "day": day,
        "day_host": day_host,
        "unhosted": unhosted,
        "done_host": done_host,
        "placed": placed,
    }


OPENDAY_ROLES = [*ROLES, "far_consultant"]
OPENDAY_PAGES = [
    # (method, page, {role: status}); a role left out answers 404, anonymous goes to sign in
    ("get", "/open-days/", {"consultant": 200, "far_consultant": 200}),
    ("get", "/open-days/new/", {"consultant": 200, "far_consultant": 200}),
    ("get", "/open-days/{day}/", {"consultant": 200}),
    ("get", "/open-days/{day}/edit/", {"consultant": 200}),
    ("post", "/open-days/{day}/close/", {"consultant": 302}),
    ("get", "/open-days/hosting/", {"host": 200, "other_host": 200}),
    ("get", "/open-days/{unhosted}/host/{company}/", {"host": 200, "consultant": 200}),
    ("post", "/open-days/{unhosted}/host/{company}/", {"host": 200, "consultant": 200}),  # the form's errors
    ("get", "/open-days/hosts/{day_host}/", {"host": 200, "consultant": 200}),
    ("get", "/open-days/hosts/{day_host}/edit/", {"host": 200, "consultant": 200}),
    ("post", "/open-days/hosts/{day_host}/edit/", {"host": 200, "consultant": 200}),  # the form's errors
    ("get", "/open-days/hosts/{done_host}/", {"host": 200, "consultant": 200}),
    ("post", "/open-days/hosts/{done_host}/attendance/", {"host": 302, "consultant": 302}),
]


def _openday_state(world) -> tuple:
    from opendays.models import Application, Host, OpenDay

    return (
        list(OpenDay.objects.order_by("pk").values_list("title", "status")),
        list(Host.objects.order_by("pk").values_list("places", "programme")),
        Application.objects.get(pk=world["placed"].pk).attended,
    )


@pytest.mark.parametrize("role", OPENDAY_ROLES)
@pytest.mark.parametrize(("method", "page", "expected"), OPENDAY_PAGES)
def test_open_day_pages(openday_days_world, method, page, expected, role):
    """The consultant's pages are theirs within their area; a registration's pages its company's
    and the consultant's; those turned away change nothing."""
    before = _openday_state(openday_days_world)
    data = {"attended-{}".format(openday_days_world["placed"].pk): "no"} if "attendance" in page else {}

    response = getattr(web_client_for(openday_days_world, role), method)(url_for(openday_days_world, page), data)

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected.get(role, 404), response.content[:300]
    if expected.get(role, 404) >= 400 or role == "anonymous":
        assert _openday_state(openday_days_world) == before


OPENDAY_READS = [
    # (url, {role: status}); anonymous 401, a role left out 404
    (
        "/api/v1/open-days/{day}/",
        {role: 200 for role in ("teacher", "other_teacher", "host", "other_host", "consultant")},
    ),
    ("/api/v1/open-day-hosts/{day_host}/", {"host": 200, "consultant": 200}),
]


@pytest.mark.parametrize("role", OPENDAY_ROLES)
@pytest.mark.parametrize(("url", "expected"), OPENDAY_READS)
def test_open_day_reads(openday_days_world, url, expected, role):
    """Days are read by those whose school or company lies in the area and by its consultant; a
    registration by its company and the consultant."""
    response = client(openday_days_world, role).get(url_for(openday_days_world, url))

    assert response.status_code == {"anonymous": 401, **expected}.get(role, 404)


def _day_payload(world) -> dict:
    return {
        "title": "Ny dag",
        "date": (today() + dt.timedelta(days=60)).isoformat(),
        "municipalities": [851],
        "applications_open": timezone.now().isoformat(),
        "applications_close": (timezone.now() + dt.timedelta(days=20)).isoformat(),
    }


def _host_payload(world) -> dict:
    return {
        "open_day": world["unhosted"].pk,
        "company": world["company"].pk,
        "places": 8,
        "starts_at": "09:00",
        "ends_at": "13:00",
        "programme": "Rundvisning.",
    }


def _attendance_payload(world) -> dict:
    return {"application": world["placed"].pk, "attended": False}


OPENDAY_WRITES = [
    # (method, url, payload, {role: status}); anonymous 401, a role left out 403 (the permission
    # refuses before the object is read)
    ("post", "/api/v1/open-days/", _day_payload, {"consultant": 201, "far_consultant": 400}),  # outside their area
    ("patch", "/api/v1/open-days/{day}/", {"title": "Nyt"}, {"consultant": 200, "far_consultant": 404}),
    ("post", "/api/v1/open-days/{day}/close/", {}, {"consultant": 200, "far_consultant": 404}),
    (
        "post",
        "/api/v1/open-day-hosts/",
        _host_payload,
        # other_host: not a company they act for; far_consultant: a day they do not see
        {"host": 201, "other_host": 400, "consultant": 201, "far_consultant": 400},
    ),
    (
        "patch",
        "/api/v1/open-day-hosts/{day_host}/",
        {"places": 5},
        {"host": 200, "other_host": 404, "consultant": 200, "far_consultant": 404},
    ),
    (
        "post",
        "/api/v1/open-day-hosts/{done_host}/attendance/",
        _attendance_payload,
        {"host": 200, "other_host": 404, "consultant": 200, "far_consultant": 404},
    ),
]


@pytest.mark.parametrize("role", OPENDAY_ROLES)
@pytest.mark.parametrize(("method", "url", "payload", "expected"), OPENDAY_WRITES)
def test_open_day_writes(openday_days_world, method, url, payload, expected, role):
    """Consultants create days and the day's consultant changes and closes it; a company's people
    register it, change the registration and mark attendance; anything refused changes nothing."""
    from opendays.models import Host, OpenDay

    counts = (OpenDay.objects.count(), Host.objects.count())
    before = _openday_state(openday_days_world)
    data = payload(openday_days_world) if callable(payload) else payload

    response = getattr(client(openday_days_world, role), method)(url_for(openday_days_world, url), data, format="json")

    status = {"anonymous": 401, **expected}.get(role, 403)
    assert response.status_code == status, response.content[:300]
    if status >= 400:
        assert (OpenDay.objects.count(), Host.objects.count()) == counts
        assert _openday_state(openday_days_world) == before


# Open-day applications (issue 11, applications part) -------------------------------------------


@pytest.fixture
def openday_apply_world(world, host):
    """An open day in Aalborg taking applications, three hosts (the first is `host`'s company),
    one application `teacher` made for a pupil and one a pupil made herself (with her link)."""
    from opendays.models import LinkPurpose
    from opendays.services import Pupil, applications_submit_for_pupils
    from tests.opendays.conftest_applications import apply, make_host, make_open_day

    day = make_open_day()
    hosts = [make_host(day, company=host.company), make_host(day), make_host(day)]
    [by_teacher] = applications_submit_for_pupils(
        open_day=day,
        user=world["users"]["teacher"],
        pupils=[Pupil(first_name="Ida", age=15, host_ids=[h.pk for h in hosts])],
    )
    own = apply(day, hosts, age=16)
    far = consultant_for("hjørring-konsulent", HJORRING)
    return world | {
        "users": world["users"] | {"far_consultant": far},
        "od_day": day,
        "od_hosts": hosts,
        "od_app": by_teacher,
        "od_token": own.link_token(LinkPurpose.APPLICANT),
    }


def _od_url(world, template: str) -> str:
    return url_for(
        {k: v for k, v in world.items() if k != "od_token"}, template.replace("{od_token}", world["od_token"])
    )


OPENDAY_APPLICATION_READS = [
    row("/api/v1/openday-applications/{od_app}/", "anonymous", 401, why=NOT_SIGNED_IN),
    row("/api/v1/openday-applications/{od_app}/", "teacher", 200, why="the teacher made the application"),
    row("/api/v1/openday-applications/{od_app}/", "other_teacher", 404, why=NOT_YOURS),
    row("/api/v1/openday-applications/{od_app}/", "host", 404, why="a host sees its participants after publication"),
    row("/api/v1/openday-applications/{od_app}/", "consultant", 200, why="a consultant with no area sees every day"),
    row("/api/v1/openday-applications/{od_app}/", "far_consultant", 404, why="the day is outside their area"),
]


@pytest.mark.parametrize(("url", "role", "expected", "why"), OPENDAY_APPLICATION_READS)
def test_openday_application_reads(openday_apply_world, url, role, expected, why):
    assert client(openday_apply_world, role).get(_od_url(openday_apply_world, url)).status_code == expected, why


def _od_pupils(world) -> dict:
    return {
        "open_day": world["od_day"].pk,
        "pupils": [{"first_name": "Alma", "age": 16, "preferences": [h.pk for h in world["od_hosts"]]}],
    }


OPENDAY_APPLICATION_WRITES = [
    # (method, url, payload, role, expected status, why); a 2xx must change the applications, anything else must not
    row("post", "/api/v1/openday-applications/for-pupils/", _od_pupils, "anonymous", 401, why=NOT_SIGNED_IN),
    row("post", "/api/v1/openday-applications/for-pupils/", _od_pupils, "host", 403, why="only teachers apply"),
    row("post", "/api/v1/openday-applications/for-pupils/", _od_pupils, "consultant", 403, why="only teachers apply"),
    row("post", "/api/v1/openday-applications/for-pupils/", _od_pupils, "teacher", 201, why="a teacher in the area"),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "anonymous", 401, why=NOT_SIGNED_IN),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "other_teacher", 404, why=NOT_YOURS),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "host", 404, why=NOT_YOURS),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "far_consultant", 404, why="not their area"),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "teacher", 200, why="the teacher who applied"),
    row("post", "/api/v1/openday-applications/{od_app}/withdraw/", {}, "consultant", 200, why="the day's consultant"),
    row("post", "/api/v1/openday-applications/{od_app}/erase/", {}, "other_teacher", 404, why=NOT_YOURS),
    row("post", "/api/v1/openday-applications/{od_app}/erase/", {}, "host", 404, why=NOT_YOURS),
    row("post", "/api/v1/openday-applications/{od_app}/erase/", {}, "consultant", 204, why="erasure on request"),
]


def _od_state() -> tuple:
    from opendays.models import Application

    return tuple(Application.objects.order_by("id").values_list("id", "status", "first_name"))


@pytest.mark.parametrize(("method", "url", "payload", "role", "expected", "why"), OPENDAY_APPLICATION_WRITES)
def test_openday_application_writes(openday_apply_world, method, url, payload, role, expected, why):
    """Who may apply for pupils, withdraw and erase; anything refused changes nothing."""
    before = _od_state()
    data = payload(openday_apply_world) if callable(payload) else payload

    response = getattr(client(openday_apply_world, role), method)(
        _od_url(openday_apply_world, url), data, format="json"
    )

    assert response.status_code == expected, (why, response.content[:300])
    assert (_od_state() != before) is (expected < 300), why


OPENDAY_PUBLIC_PAGES = [
    # Public: anyone, signed in or not; her own page opens with her link, whoever holds it.
    "/open-days/join/",
    "/open-days/join/sent/",
    "/open-days/join/{od_day}/",
    "/open-days/join/{od_day}/apply/",
    "/open-days/me/{od_token}/",
    "/open-days/me/{od_token}/confirm/",
    "/open-days/me/{od_token}/erase/",
]


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
@pytest.mark.parametrize("url", OPENDAY_PUBLIC_PAGES)
def test_openday_public_pages(openday_apply_world, url, role):
    response = web_client_for(openday_apply_world, role).get(_od_url(openday_apply_world, url))
    assert response.status_code == 200


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
def test_openday_link_pages_answer_404_without_a_valid_link(openday_apply_world, role):
    web = web_client_for(openday_apply_world, role)
    for url in ("/open-days/me/0000/", "/open-days/guardian/0000/", "/open-days/me/0000/withdraw/"):
        assert web.get(url).status_code in (404, 405)
        assert web.post(url).status_code == 404
    assert web.get("/open-days/me/0000/open-day.ics").status_code == 404


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
def test_openday_calendar_file_opens_only_with_her_link(openday_apply_world, role):
    """Her .ics, before publication, leads back to her page (nothing to put in a calendar yet),
    whoever holds the link; no role opens it without."""
    web = web_client_for(openday_apply_world, role)
    response = web.get(_od_url(openday_apply_world, "/open-days/me/{od_token}/open-day.ics"))
    assert response.status_code == 302
    assert response["Location"] == _od_url(openday_apply_world, "/open-days/me/{od_token}/")


OPENDAY_TEACHER_PAGES = [
    # (page, {role: expected status of a GET}); a role left out answers 404, anonymous goes to sign in
    ("/open-days/teacher/", {"teacher": 200, "other_teacher": 200}),
    ("/open-days/teacher/{od_day}/apply/", {"teacher": 200, "other_teacher": 200}),
]


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
@pytest.mark.parametrize(("url", "expected"), OPENDAY_TEACHER_PAGES)
def test_openday_teacher_pages(openday_apply_world, url, expected, role):
    response = web_client_for(openday_apply_world, role).get(_od_url(openday_apply_world, url))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected.get(role, 404), response.content[:300]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("other_teacher", 404), ("host", 404), ("consultant", 404), ("far_consultant", 404), ("teacher", 302)],
)
def test_openday_teacher_withdraw_page(openday_apply_world, role, expected):
    """Only the teacher who applied withdraws through her page (the consultant uses the API)."""
    from opendays.models import Application

    url = f"/open-days/teacher/applications/{openday_apply_world['od_app'].pk}/withdraw/"
    response = web_client_for(openday_apply_world, role).post(url)

    assert response.status_code == expected
    status = Application.objects.get(pk=openday_apply_world["od_app"].pk).status
    assert (status == Application.Status.WITHDRAWN) is (expected == 302)


# The coordinator's overview (issue 12, pages): the dashboard, its downloads, the annual report -------

OVERVIEW_PAGES = [
    # (page, status for a consultant); everyone else 404, anonymous goes to sign in
    ("/overview/", 200),
    ("/overview/reach/", 200),
    ("/overview/effect/", 200),
    ("/overview/annual-report/", 200),
    ("/overview/reach/classes-by-grade.csv", 200),
    ("/overview/reach/classes-by-grade.xlsx", 200),
    ("/overview/reach.xlsx", 200),
]


@pytest.fixture
def overview_world(world, shown):
    """`world`, the overview's sections showing hand-made tables, and a consultant for Morsø."""
    return world | {"users": world["users"] | {"far_consultant": consultant_for("konsulent-mors-overblik", MORSOE)}}


@pytest.mark.parametrize("role", [*ROLES, "far_consultant"])
@pytest.mark.parametrize(("page", "consultant_status"), OVERVIEW_PAGES)
def test_overview_pages(overview_world, shown, page, consultant_status, role):
    """The overview is the consultants' (each within their area); anyone else gets 404 and the
    figures are not even asked for."""
    response = web_client_for(overview_world, role).get(page)

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    elif role in ("consultant", "far_consultant"):
        assert response.status_code == consultant_status
    else:
        assert response.status_code == 404
    if role not in ("consultant", "far_consultant"):
        assert shown.scopes == []


@pytest.mark.parametrize(
    ("page", "refused_status"), [(page, 400 if "." in page else 200) for page, _ok in OVERVIEW_PAGES]
)
def test_overview_refuses_municipalities_outside_the_consultants_area(overview_world, shown, page, refused_status):
    """A consultant for Morsø asking for Aalborg's figures gets a message (a download: 400), no figures."""
    response = web_client_for(overview_world, "far_consultant").get(f"{page}?municipality=851")

    assert response.status_code == refused_status
    assert shown.scopes == []


# The initiative catalogue (issue 12) ----------------------------------------------------------


@pytest.fixture
def initiative_world(world):
    """`world` plus one initiative, and a consultant whose area is elsewhere (Morsø): the
    catalogue has no area, so every consultant keeps it."""
    from overview.services import initiative_create

    initiative = initiative_create(actor=None, name="Coding Pirates", owner="Coding Pirates", geography="national")
    far = consultant_for("konsulent-mors-initiativer", MORSOE)
    return world | {"users": world["users"] | {"far_consultant": far}, "initiative": initiative}


INITIATIVE_ROLES = [*ROLES, "far_consultant"]
INITIATIVE_PUBLIC_PAGES = ["/initiatives/", "/initiatives/{initiative}/"]
INITIATIVE_CONSULTANT_PAGES = [
    # (method, page, status for a consultant); anyone else signed in gets 404, anonymous goes to sign in
    ("get", "/initiatives/new/", 200),
    ("post", "/initiatives/new/", 200),  # the form's errors
    ("get", "/initiatives/import/", 200),
    ("post", "/initiatives/import/", 200),  # the form's errors
    ("get", "/initiatives/{initiative}/edit/", 200),
    ("post", "/initiatives/{initiative}/edit/", 200),  # the form's errors
    ("get", "/initiatives/{initiative}/delete/", 200),
    ("post", "/initiatives/{initiative}/delete/", 302),
]


def _initiative_state() -> list:
    from overview.models import Initiative

    return list(Initiative.objects.order_by("pk").values_list("pk", "name", "owner", "updated_at"))


@pytest.mark.parametrize("role", INITIATIVE_ROLES)
@pytest.mark.parametrize("page", INITIATIVE_PUBLIC_PAGES)
def test_initiative_public_pages(initiative_world, page, role):
    assert web_client_for(initiative_world, role).get(url_for(initiative_world, page)).status_code == 200


@pytest.mark.parametrize("role", INITIATIVE_ROLES)
@pytest.mark.parametrize(("method", "page", "allowed"), INITIATIVE_CONSULTANT_PAGES)
def test_initiative_consultant_pages(initiative_world, method, page, allowed, role):
    """Every consultant keeps the catalogue (it has no area); everyone else is turned away and
    changes nothing."""
    before = _initiative_state()

    response = getattr(web_client_for(initiative_world, role), method)(url_for(initiative_world, page), {})

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        expected = allowed if role in ("consultant", "far_consultant") else 404
        assert response.status_code == expected, response.content[:300]
    if role not in ("consultant", "far_consultant"):
        assert _initiative_state() == before


def _initiative_payload(world) -> dict:
    return {"name": "Robotlab", "owner": "UCN", "geography": "regional", "region": "Nordjylland"}


INITIATIVE_API = [
    # (method, url, payload, status for a consultant); reads are anyone's; writes: anonymous 401, others 403
    ("get", "/api/v1/initiatives/", None, 200),
    ("get", "/api/v1/initiatives/{initiative}/", None, 200),
    ("post", "/api/v1/initiatives/", _initiative_payload, 201),
    ("patch", "/api/v1/initiatives/{initiative}/", {"owner": "Ny ejer"}, 200),
    ("put", "/api/v1/initiatives/{initiative}/", _initiative_payload, 200),
    ("delete", "/api/v1/initiatives/{initiative}/", None, 204),
]


@pytest.mark.parametrize("role", INITIATIVE_ROLES)
@pytest.mark.parametrize(("method", "url", "payload", "allowed"), INITIATIVE_API)
def test_initiative_api(initiative_world, method, url, payload, allowed, role):
    """Anyone, signed in or not, reads the catalogue; only consultants write, and a refused write
    changes nothing."""
    before = _initiative_state()
    data = payload(initiative_world) if callable(payload) else payload

    response = getattr(client(initiative_world, role), method)(url_for(initiative_world, url), data, format="json")

    if method == "get" or role in ("consultant", "far_consultant"):
        expected = allowed
    else:
        expected = 401 if role == "anonymous" else 403
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert _initiative_state() == before


# Feedback after an activity and attendance (issue 12) ---------------------------------------------


@pytest.fixture
def feedback_world(world):
    """The world's booking is over (the clock stands a day after it) and both sides were asked;
    a consultant of another area besides."""
    from overview import services as overview_services
    from overview.models import Feedback
    from tests.overview.fixtures import days_after

    booking = world["booking"]
    far = consultant_for("konsulent-mors-feedback", MORSOE)
    with days_after(booking.slot.end, 1):
        overview_services.feedback_ask_due()
        teacher_feedback = Feedback.objects.get(booking=booking, respondent="teacher")
        host_feedback = Feedback.objects.get(booking=booking, respondent="host")
        yield world | {
            "users": world["users"] | {"far_consultant": far},
            "fb_teacher": teacher_feedback,
            "fb_host": host_feedback,
            "fb_token": teacher_feedback.link_token(),
        }


FEEDBACK_ROLES = [*ROLES, "far_consultant"]
FEEDBACK_PAGES = [
    # (page, {role: expected status of a GET}); a role left out answers 404, anonymous goes to sign in
    ("/feedback/asked/", {"teacher": 200, "other_teacher": 200, "host": 200, "other_host": 200}),
    ("/feedback/asked/{fb_teacher}/", {"teacher": 200}),
    ("/feedback/asked/{fb_host}/", {"host": 200}),
    ("/workspace/feedback/", {"consultant": 200, "far_consultant": 200}),
]


def _fb_url(world, template: str) -> str:
    values = {key: getattr(value, "pk", value) for key, value in world.items() if key != "users"}
    return template.format(**values)


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
@pytest.mark.parametrize(("url", "expected"), FEEDBACK_PAGES)
def test_feedback_pages(feedback_world, url, expected, role):
    """A teacher or host sees only their own feedback; the consultant the answered feedback of the area."""
    response = web_client_for(feedback_world, role).get(_fb_url(feedback_world, url))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected.get(role, 404), response.content[:300]


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_feedback_link_opens_for_whoever_holds_it_and_nothing_else_does(feedback_world, role):
    web = web_client_for(feedback_world, role)

    assert web.get(_fb_url(feedback_world, "/feedback/{fb_token}/")).status_code == 200
    assert web.get(f"/feedback/{'0' * 64}/").status_code == 404
    assert web.post(f"/feedback/{'0' * 64}/", {"rating": "5"}).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [("teacher", 302), ("other_teacher", 404), ("host", 404), ("other_host", 404), ("consultant", 404)],
)
def test_feedback_answered_signed_in_only_by_whom_it_was_asked(feedback_world, role, expected):
    from overview.models import Feedback

    data = {"rating": "4", "goals_met": "yes", "interest_before": "3", "interest_after": "4"}
    response = web_client_for(feedback_world, role).post(_fb_url(feedback_world, "/feedback/asked/{fb_teacher}/"), data)

    assert response.status_code == expected
    answered = Feedback.objects.get(pk=feedback_world["fb_teacher"].pk).answered_at is not None
    assert answered is (expected == 302)


def test_the_far_consultant_sees_no_feedback_outside_the_area(feedback_world):
    from overview import services as overview_services

    overview_services.feedback_answer(
        feedback=feedback_world["fb_host"], answer=overview_services.Answer(rating=5, goals_met="yes", comment="Top")
    )
    near = web_client_for(feedback_world, "consultant").get("/workspace/feedback/").content.decode()
    far = web_client_for(feedback_world, "far_consultant").get("/workspace/feedback/").content.decode()

    assert "Top" in near and "Top" not in far


ATTENDANCE_PAGE = [
    # role, expected status of the host's attendance button (POST); 302 marks, anything else changes nothing
    ("teacher", 403),
    ("other_teacher", 404),
    ("host", 302),
    ("other_host", 404),
    ("consultant", 302),
]


@pytest.mark.parametrize(("role", "expected"), ATTENDANCE_PAGE)
def test_attendance_page(feedback_world, role, expected):
    booking = feedback_world["booking"]
    response = web_client_for(feedback_world, role).post(f"/bookings/{booking.pk}/attendance/", {"attended": "no"})

    assert response.status_code == expected
    assert (Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW) is (expected == 302)


def test_attendance_page_sends_the_anonymous_to_sign_in(feedback_world):
    response = Client().post(f"/bookings/{feedback_world['booking'].pk}/attendance/", {"attended": "no"})

    assert response.status_code == 302 and response["Location"].startswith("/login/")


ATTENDANCE_API = [
    ("anonymous", 401, NOT_SIGNED_IN),
    ("teacher", 403, "the school's side does not mark attendance"),
    ("other_teacher", 404, NOT_YOURS),
    ("host", 200, "the host company marks attendance"),
    ("other_host", 404, NOT_YOURS),
    ("consultant", 200, "a consultant may act for the host"),
]


@pytest.mark.parametrize(("role", "expected", "why"), ATTENDANCE_API)
def test_attendance_api(feedback_world, role, expected, why):
    booking = feedback_world["booking"]
    response = client(feedback_world, role).post(
        f"/api/v1/bookings/{booking.pk}/attendance/", {"attended": False}, format="json"
    )

    assert response.status_code == expected, why
    assert (Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW) is (expected == 200), why


# Every other page and endpoint: one row each, so that each URL of the project is in the matrix --


@pytest.fixture
def rest_world(plan_world, openday_match_world):
    """`plan_world` and `openday_match_world` together, plus the teacher's own calendar feed with
    an address, and the teacher's school."""
    from notifications.selectors import feeds_for_user
    from notifications.services import calendar_subscription_issue

    teacher = plan_world["users"]["teacher"]
    feed = next(feed for feed in feeds_for_user(teacher) if feed.kind == "teacher")
    token = calendar_subscription_issue(feed=feed, holder=teacher)
    return {
        **plan_world,
        **openday_match_world,
        "feed": feed,
        "feed_token": token,
        "school": plan_world["class"].school,
    }


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int = 401, **others: int) -> dict[str, int]:
    """`status` for every signed-in role but those named; `anonymous` for a visitor."""
    return everyone(status) | {"anonymous": anonymous} | others


OUTSIDERS_404 = {"other_teacher": 404, "other_host": 404}
TEACHERS_404 = {"teacher": 404, "other_teacher": 404}
ONLY_THE_HOST_AND_CONSULTANT = {**TEACHERS_404, "other_host": 404}

REST_MATRIX = [
    # (method, url, body, {role: expected status}); an empty body on a write gets as far as its
    # validation (400) for those allowed, so nothing changes but the refusal is the permission's.
    ("post", "/api/v1/activities/{activity}/book/", {}, signed_in(400, **OUTSIDERS_404)),
    ("get", "/api/v1/adoptions/", None, signed_in(200)),
    ("get", "/api/v1/", None, everyone(200)),
    ("post", "/api/v1/bookings/{booking}/move/", {}, signed_in(400, **OUTSIDERS_404)),
    ("get", "/api/v1/calendar-feeds/", None, signed_in(200)),
    ("post", "/api/v1/calendar-feeds/{feed}/reset/", {}, signed_in(404, teacher=200)),
    ("get", "/api/v1/openday-applications/", None, signed_in(200)),
    ("get", "/api/v1/open-day-placements/", None, signed_in(200)),
    ("post", "/api/v1/open-day-placements/{placement}/move/", {}, signed_in(403, consultant=400)),
    ("get", "/api/v1/plans/", None, signed_in(200)),
    ("get", "/api/v1/schools/{school}/", None, signed_in(200)),
    # A slot of a published offer is public: another company is refused it, not told it is missing.
    ("post", "/api/v1/slots/{slot}/cancel/", {}, signed_in(403, host=200, consultant=200)),
    ("post", "/api/v1/slots/series/", {}, signed_in(400, teacher=403, other_teacher=403)),
    ("get", "/api/v1/waitlist/", None, signed_in(200)),
    ("get", "/api/v1/ping/", None, everyone(200)),
    ("get", "/api/v1/schema/", None, everyone(200)),
    ("get", "/api/v1/docs/", None, everyone(200)),
    ("post", "/api/v1/auth/token/", {"username": "laerer", "password": "forkert"}, everyone(400)),
    ("post", "/bookings/{booking}/confirm/", {}, signed_in(302, 302, teacher=403, **OUTSIDERS_404)),
    ("post", "/bookings/{booking}/decline/", {}, signed_in(302, 302, teacher=403, **OUTSIDERS_404)),
    ("get", "/calendar/", None, signed_in(200, 302)),
    ("post", "/calendar/{feed}/reset/", {}, signed_in(404, 302, teacher=302)),
    ("get", "/calendar/{feed_token}.ics", None, everyone(200)),  # the address is the key
    ("get", "/calendar/offers/{offer}.ics", None, everyone(200)),
    ("get", "/classes/{class}/", None, signed_in(404, 302, teacher=200, consultant=200)),
    ("get", "/host/offers/", None, signed_in(200, 302, **TEACHERS_404)),
    ("get", "/host/offers/new/", None, signed_in(200, 302, **TEACHERS_404)),
    ("get", "/host/offers/{offer}/", None, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    ("get", "/host/offers/{offer}/edit/", None, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    ("get", "/host/offers/{offer}/participants.csv", None, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    # The host's forms answer 200 with the empty form's errors.
    ("post", "/host/offers/{offer}/series/", {}, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    ("post", "/host/offers/{offer}/slots/", {}, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    ("post", "/host/slots/{slot}/cancel/", {}, signed_in(200, 302, **ONLY_THE_HOST_AND_CONSULTANT)),
    ("get", "/offers/", None, everyone(200)),
    ("get", "/offers/{offer}/", None, everyone(200)),
    ("post", "/logout/", {}, everyone(302)),
    ("post", "/i18n/setlang/", {"language": "en"}, everyone(302)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "body", "expected"), REST_MATRIX)
def test_every_other_url(rest_world, method, url, body, expected, role):
    """Each role gets what the row says; a visitor sent away from a page goes to the sign-in page."""
    ids = {key: value for key, value in rest_world.items() if key != "feed_token"}
    address = url_for(ids, url.replace("{feed_token}", rest_world["feed_token"]))
    if url.startswith("/api/"):
        response = getattr(client(rest_world, role), method)(address, body, format="json")
    else:
        response = getattr(web_client_for(rest_world, role), method)(address, body or {})

    assert response.status_code == expected[role], response.content[:300]
    if role == "anonymous" and response.status_code == 302 and url not in ("/logout/", "/i18n/setlang/"):
        assert response["Location"].startswith("/login/")
