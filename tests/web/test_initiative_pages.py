"""The initiative catalogue's pages: public list and detail (searchable, filterable, ended ones
with what they learnt, linked from every menu), and the consultant's create, edit, delete and
import, which answer garbage with messages and never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from overview.models import Initiative, TargetGroup
from overview.services import initiative_create
from overview.services.initiatives import SHIPPED_CSV
from tests.dates import today

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


@pytest.fixture
def ended() -> Initiative:
    start = today() - dt.timedelta(days=500)
    initiative = initiative_create(
        actor=None,
        name="Fokus på matematik",
        owner="Aalborg Kommune",
        geography="regional",
        region="Nordjylland",
        started_on=start,
        ended_on=start + dt.timedelta(days=200),
        lessons="Lærerne skal med fra start.",
        description="Matematik i udskolingen.",
    )
    initiative.target_groups.set(TargetGroup.objects.filter(code="teachers"))
    return initiative


@pytest.fixture
def running() -> Initiative:
    return initiative_create(
        actor=None, name="Coding Pirates", owner="Coding Pirates", geography="national", stem_focus="Kodning"
    )


def test_anyone_sees_the_list_with_ended_initiatives_and_what_they_learnt(ended, running):
    page = Client().get("/initiatives/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Coding Pirates" in text and "Fokus på matematik" in text
    assert "Lærerne skal med fra start." in text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=kodning", "Coding Pirates", "Fokus på matematik"),
        ("status=ended", "Fokus på matematik", "Coding Pirates"),
        ("geography=national", "Coding Pirates", "Fokus på matematik"),
        ("target_group=teachers", "Fokus på matematik", "Coding Pirates"),
        ("region=Nordjylland", "Fokus på matematik", "Coding Pirates"),
    ],
)
def test_the_list_is_searched_and_filtered(ended, running, query, shown, hidden):
    text = Client().get(f"/initiatives/?{query}").content.decode()

    assert f">{shown}</a>" in text and f">{hidden}</a>" not in text


def test_the_list_is_paginated(running):
    for number in range(25):
        initiative_create(actor=None, name=f"Initiativ {number:02}", owner="X", geography="national")

    first = Client().get("/initiatives/").content.decode()
    second = Client().get("/initiatives/?page=2").content.decode()

    assert "Initiativ 00" in first and "Initiativ 24" not in first
    assert "Initiativ 24" in second


def test_an_initiative_page_shows_period_lessons_and_target_groups(ended):
    text = Client().get(f"/initiatives/{ended.pk}/").content.decode()

    assert "Lærerne skal med fra start." in text
    assert "Lærere" in text
    assert "/edit/" not in text


@pytest.mark.parametrize("who", ["anonymous", "teacher", "host", "consultant"])
def test_every_menu_links_to_the_catalogue(who, teacher, host, consultant):
    client = (
        Client()
        if who == "anonymous"
        else signed_in({"teacher": teacher.user, "host": host.user, "consultant": consultant}[who])
    )

    assert 'href="/initiatives/"' in client.get("/offers/").content.decode()


def test_the_consultant_adds_edits_and_deletes(consultant):
    client = signed_in(consultant)

    created = client.post(
        "/initiatives/new/",
        {
            "name": "Robotlab",
            "owner": "UCN",
            "geography": "regional",
            "region": "Nordjylland",
            "target_groups": ["teachers"],
        },
    )
    robotlab = Initiative.objects.get(name="Robotlab")
    assert created.status_code == 302 and created["Location"] == f"/initiatives/{robotlab.pk}/"
    assert list(robotlab.target_groups.values_list("code", flat=True)) == ["teachers"]
    edited = client.post(
        f"/initiatives/{robotlab.pk}/edit/",
        {
            "name": "Robotlab",
            "owner": "UCN",
            "geography": "regional",
            "ended_on": today().isoformat(),
            "lessons": "Mere tid.",
        },
    )
    assert edited.status_code == 302
    robotlab.refresh_from_db()
    assert robotlab.lessons == "Mere tid." and not robotlab.target_groups.exists()
    assert client.get(f"/initiatives/{robotlab.pk}/delete/").status_code == 200
    assert Initiative.objects.filter(pk=robotlab.pk).exists()
    assert client.post(f"/initiatives/{robotlab.pk}/delete/").status_code == 302
    assert not Initiative.objects.filter(pk=robotlab.pk).exists()


def test_a_refusal_is_shown_on_its_field(consultant, running):
    page = signed_in(consultant).post(
        "/initiatives/new/", {"name": "coding pirates", "owner": "X", "geography": "national"}
    )

    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"name"}
    assert Initiative.objects.count() == 1


def test_the_import_page_reports_every_kind_of_line(consultant, running):
    content = (
        "navn;ejer;geografi\n"
        "Coding Pirates;Coding Pirates;landsdækkende\n"
        "Coding Pirates Aalborg;Coding Pirates;Nordjylland\n"
        ";Uden navn;Månen\n"
    ).encode()

    page = signed_in(consultant).post("/initiatives/import/", {"file": SimpleUploadedFile("i.csv", content)})

    assert page.status_code == 200
    report = page.context["report"]
    assert [line.outcome for line in report.lines] == ["unchanged", "imported", "refused"]
    text = page.content.decode()
    assert "<code>geography</code>" in text and "<code>name</code>" in text


def test_the_import_page_imports_the_shipped_file(consultant):
    with open(SHIPPED_CSV, "rb") as file:
        page = signed_in(consultant).post("/initiatives/import/", {"file": SimpleUploadedFile("i.csv", file.read())})

    assert len(page.context["report"].imported) == 70


def test_a_bad_file_is_shown_on_the_form_and_saves_nothing(consultant):
    content = "name,owner,geography,farve\nA,B,national,rød\n".encode()

    page = signed_in(consultant).post("/initiatives/import/", {"file": SimpleUploadedFile("i.csv", content)})

    assert page.status_code == 200
    assert "farve" in page.context["form"].errors["file"][0]
    assert page.context["report"] is None
    assert not Initiative.objects.exists()


GARBAGE = ["", "abc", "-1", "99999999999999999999", "2027-13-45", "9999-12-31", "\x00", "😀" * 5000, "javascript:x"]


def test_garbage_never_gives_500(consultant, running):
    client = signed_in(consultant)
    for value in GARBAGE:
        data = {name: value for name in ("name", "owner", "geography", "region", "kind", "stem_focus", "description")}
        data |= {"started_on": value, "ended_on": value, "lessons": value, "contact": value, "url": value}
        data["target_groups"] = [value, "teachers"]
        assert client.post("/initiatives/new/", data).status_code == 200, value
        assert client.post(f"/initiatives/{running.pk}/edit/", data).status_code == 200, value
        assert client.post("/initiatives/import/", {"file": value}).status_code == 200, value
        upload = SimpleUploadedFile(
            "g.csv", f"name,owner,geography,started,url\n{value},{value},{value},{value},{value}\n".encode()
        )
        assert client.post("/initiatives/import/", {"file": upload}).status_code == 200, value
        upload = SimpleUploadedFile("g.csv", value.encode())
        assert client.post("/initiatives/import/", {"file": upload}).status_code == 200, value
        query = {name: value for name in ("q", "geography", "target_group", "kind", "status", "region", "page")}
        assert Client().get("/initiatives/", query).status_code == 200, value
    running.refresh_from_db()
    assert running.name == "Coding Pirates"


def test_the_list_page_takes_the_same_queries_whatever_the_catalogue_holds(django_assert_max_num_queries):
    """Target groups are read for the whole page at once, not per initiative."""
    for number in range(2):
        initiative_create(actor=None, name=f"Lille {number}", owner="X", geography="national").target_groups.set(
            TargetGroup.objects.all()
        )
    with django_assert_max_num_queries(12) as few:
        assert Client().get("/initiatives/").status_code == 200
    for number in range(30):
        initiative_create(actor=None, name=f"Stor {number}", owner="X", geography="national").target_groups.set(
            TargetGroup.objects.all()
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert Client().get("/initiatives/").status_code == 200
