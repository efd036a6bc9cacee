"""Demo open days on the IGEday model (Introduce a Girl to Engineering Day): the coming spring's
day for girls across North Jutland, taking applications, with hosts across the region and
applicants in every state; and last year's day, matched, published and held, with its run and
report, attendance and survey answers (and, once its retention period has passed, its
applicants' personal data erased, as the daily erasure would have done).

The open-day services are written in parallel with this module, so everything here is written
through the models, in the states the services would have left: an application gets its links
with `Application.issue_links()`, last year's run is a greedy placement by preference rank with
a report shaped as the matching's. When the services land, the coming day's parts can move to
them (open_day_create, host_register, application_submit); the past states have no service.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from core.dates import holiday_name
from core.models import Municipality
from demo.companies import DemoCompany
from demo.dates import TH, at
from demo.logins import CONSULTANT
from demo.schools import DemoSchool
from opendays.models import (
    Application,
    Host,
    MatchRun,
    OpenDay,
    Placement,
    Preference,
    SurveyResponse,
)
from schools.models import School

REGION = "Nordjylland"
OUTLYING_MUNICIPALITIES = (825, 773, 787)  # Læsø, Morsø, Thisted
SPRING_DAY = (4, 22)  # the Thursday on or after 22 April, past holidays
WINDOW_OPENS_WEEKS = 10  # before the day
WINDOW_CLOSES_WEEKS = 4
SURVEY_WEEKS = 3  # after the day
COMING_AT_LEAST = dt.timedelta(weeks=8)  # so the coming day's window is still open
WINDOW_OPEN_FOR = dt.timedelta(weeks=3)  # at least, when the coming day's applicants applied
LAST_AT_LEAST = dt.timedelta(weeks=SURVEY_WEEKS + 2)  # so last year's survey has closed
RUN_SEED = 2025
DAY_TITLE = "IGEday Nordjylland"
DAY_DESCRIPTION = (
    "Introduce a Girl to Engineering Day: piger fra 13 til 19 år møder kvindelige ingeniører, teknikere og "
    "ingeniørstuderende hos virksomheder i hele Nordjylland, i grupper på cirka et dusin. Søg om plads hos tre "
    "værter i den rækkefølge, du helst vil. Er du under 15 år, skal en forælder give samtykke."
)
GIRLS = (
    "Ida", "Emma", "Freja", "Clara", "Alma", "Ella", "Sofie", "Laura", "Anna", "Karla", "Josefine", "Agnes",
    "Olivia", "Nora", "Mathilde", "Asta", "Liv", "Signe", "Maja", "Marie", "Frida", "Lærke", "Ellen", "Esther",
    "Luna", "Silje", "Caroline", "Victoria", "Isabella", "Sara", "Åse", "Tilde",
)  # fmt: skip
COMMENTS = (
    "Jeg vidste ikke, at ingeniører lavede så mange forskellige ting.",
    "Det bedste var at bygge noget selv og spørge om alt.",
    "Nu vil jeg gerne på HTX.",
    "Lidt lang dag, men rigtig sjovt at møde de studerende.",
    "",
)
HOST_COMMENTS = (
    "Dejligt engagerede piger. Vi er med igen.",
    "Gruppen var god; næste år gerne lidt færre programpunkter.",
    "",
)


@dataclass(frozen=True)
class HostSpec:
    company: str
    places: int
    times: tuple[str, str]
    programme: str
    role_models_text: str = ""
    age_min: int | None = None
    safety_notes: str = ""


LUNCH = "Frokost er inkluderet."
HOSTS = (
    HostSpec(
        "nordvind", 12, ("09:00", "14:00"),
        "Mød kvindelige teknikere og ingeniører på servicebasen, byg en minimølle og følg en fjernovervågning "
        "af en rigtig havvindmøllepark.",
        safety_notes="Lukket fodtøj; hjelm udlånes. " + LUNCH,
    ),
    HostSpec(
        "medtech-nord", 12, ("09:00", "14:30"),
        "Lod og programmér din egen pulsmåler sammen med vores ingeniører, og hør om vejen fra gymnasiet til "
        "sundhedsteknologi.", safety_notes=LUNCH,
    ),
    HostSpec(
        "hirtshals-transport", 10, ("08:30", "13:30"),
        "Disponent for en dag: planlæg lastbilernes ruter med vores kvindelige disponenter og logistikingeniører.",
        safety_notes="Synlighedsvest udleveres. " + LUNCH,
    ),
    HostSpec(
        "nordlys", 12, ("09:00", "14:00"),
        "Fra idé til app: byg en lille app i hold med vores udviklere og testere, og præsentér den for holdet.",
        role_models_text="To softwareudviklere og en datalogistuderende fra AAU.",
    ),
    HostSpec(
        "limfjords-el", 10, ("09:00", "14:00"),
        "Elektrikerlærlinge og en ingeniør viser, hvordan strømmen kommer fra vindmøllen til stikkontakten; "
        "du trækker selv en installation.", age_min=14, safety_notes="Lukket fodtøj. " + LUNCH,
    ),
    HostSpec(
        "thy-biogas", 8, ("09:30", "14:00"),
        "Fra gylle til grøn gas: tag prøver i laboratoriet og styr anlægget fra kontrolrummet.",
        safety_notes="Gamle sko — det lugter på anlægget! Bus fra Thisted station.",
    ),
    HostSpec(
        "skagen-vaerft", 10, ("08:00", "13:00"),
        "Prøv svejsesimulatoren, se et skib i tørdok, og mød skibsmontørlærlinge og en skibsingeniør.",
        age_min=15, safety_notes="Høreværn, briller og hjelm udlånes. Ingen fotografering i dokken.",
    ),
    HostSpec(
        "mejeri", 12, ("09:00", "13:30"),
        "Fødevareteknologi: mål, smag og test i mejeriets laboratorium, og hør om uddannelsen til "
        "procesteknolog og fødevareingeniør.", safety_notes="Hårnet og kittel udleveres. " + LUNCH,
    ),
    HostSpec(
        "agrisens", 8, ("09:00", "14:00"),
        "Sensorer i marken: byg en jordfugtmåler og se data fra markerne på en skærm.",
    ),
    HostSpec(
        "laesoe-havn", 6, ("10:00", "14:00"),
        "En dag med havnens maskinmester og en elektronikingeniør: færgens maskinrum og havnens strøm.",
        safety_notes="Redningsvest udlånes. Færgen fra Frederikshavn betales af havnen.",
    ),
)  # fmt: skip
LAST_YEARS_HOSTS = ("nordvind", "medtech-nord", "hirtshals-transport", "nordlys", "limfjords-el", "mejeri")

# The coming day's applicants: how many in each state.
COMING_STATES = (
    (Application.Status.CONFIRMED, 30),
    (Application.Status.AWAITING_GUARDIAN, 5),
    (Application.Status.AWAITING_EMAIL, 4),
    (Application.Status.WITHDRAWN, 3),
    (Application.Status.EXPIRED, 3),
)
TEACHERS_APPLICANTS = 3  # pupils of the `laerer` login's 9th grade, applied for by the teacher
LAST_YEARS_APPLICANTS = 75  # more than last year's places, so some were waitlisted
LAST_YEARS_WITHDRAWN = 3
ABSENT_SHARE = 0.1
SURVEY_ANSWER_SHARE = 0.7


def opendays_create(
    *, companies: dict[str, DemoCompany], schools: dict[str, DemoSchool], rng: random.Random, today: dt.date
) -> None:
    """The coming spring's day taking applications, then last year's day, held."""
    consultant = User.objects.get(username=CONSULTANT.username)
    coming = _day(spring_day_coming(today), created_by=consultant, opened_by=today - WINDOW_OPEN_FOR)
    coming_hosts = [_host(coming, spec, companies[spec.company]) for spec in HOSTS]
    _coming_applications(coming, hosts=coming_hosts, schools=schools, rng=rng)
    last = _day(spring_day_last(today), created_by=consultant, opened_by=today)
    specs = {spec.company: spec for spec in HOSTS}
    last_hosts = [_host(last, specs[key], companies[key]) for key in LAST_YEARS_HOSTS]
    _held(last, hosts=last_hosts, schools=schools, rng=rng, today=today)


def spring_day(year: int) -> dt.date:
    """The year's IGEday: the first Thursday on or after 22 April that is no holiday."""
    day = dt.date(year, *SPRING_DAY)
    day += dt.timedelta(days=(TH - day.weekday()) % 7)
    while holiday_name(day):
        day += dt.timedelta(weeks=1)
    return day


def spring_day_coming(today: dt.date) -> dt.date:
    """The first spring day far enough ahead for its application window to be open now."""
    year = today.year
    while spring_day(year) < today + COMING_AT_LEAST:
        year += 1
    return spring_day(year)


def spring_day_last(today: dt.date) -> dt.date:
    """The last spring day whose survey has closed."""
    year = today.year
    while spring_day(year) > today - LAST_AT_LEAST:
        year -= 1
    return spring_day(year)


def _day(day: dt.date, *, created_by: User, opened_by: dt.date) -> OpenDay:
    """The day for girls over the region, its window opening some weeks before it (and no
    later than `opened_by`, so that the applications lie within it)."""
    opens = at(min(day - dt.timedelta(weeks=WINDOW_OPENS_WEEKS), opened_by), "08:00")
    open_day = OpenDay.objects.create(
        title=f"{DAY_TITLE} {day.year}",
        description=DAY_DESCRIPTION,
        date=day,
        gender_focus=OpenDay.GenderFocus.GIRLS,
        applications_open=opens,
        applications_close=at(day - dt.timedelta(weeks=WINDOW_CLOSES_WEEKS), "23:59"),
        survey_closes=day + dt.timedelta(weeks=SURVEY_WEEKS),
        created_by=created_by,
    )
    open_day.municipalities.set(Municipality.objects.filter(region=REGION))
    open_day.outlying_municipalities.set(Municipality.objects.filter(code__in=OUTLYING_MUNICIPALITIES))
    return open_day


def _host(open_day: OpenDay, spec: HostSpec, company: DemoCompany) -> Host:
    """The company's registration, by its host, at its own address."""
    starts_at, ends_at = (dt.time.fromisoformat(time) for time in spec.times)
    host = Host.objects.create(
        open_day=open_day,
        company=company.company,
        places=spec.places,
        starts_at=starts_at,
        ends_at=ends_at,
        programme=spec.programme,
        role_models_text=spec.role_models_text,
        age_min=spec.age_min,
        safety_notes=spec.safety_notes,
        registered_by=company.host,
        **{field: getattr(company.company, field) for field in Host.ADDRESS_FIELDS},
    )
    host.role_models.set(company.role_models)
    return host


def _coming_applications(
    open_day: OpenDay, *, hosts: list[Host], schools: dict[str, DemoSchool], rng: random.Random
) -> None:
    """Applicants in every state, each with three ranked hosts; then a teacher's applications."""
    now = timezone.now()
    number = 0
    for status, count in COMING_STATES:
        for _ in range(count):
            number += 1
            # Awaiting a guardian means under 15; the rest are of any age the day takes.
            age = rng.randint(13, 14) if status == Application.Status.AWAITING_GUARDIAN else rng.randint(13, 18)
            application = _application(open_day, number=number, age=age, schools=schools, rng=rng)
            _apply_state(application, status=status, now=now, rng=rng)
            _preferences(application, hosts=hosts, rng=rng)
    teacher = schools["vestbjerg"].teacher
    for _ in range(TEACHERS_APPLICANTS):
        number += 1
        application = _application(open_day, number=number, age=15, schools=schools, rng=rng, school_key="vestbjerg")
        application.email, application.applied_by = teacher.email, teacher
        _apply_state(application, status=Application.Status.CONFIRMED, now=now, rng=rng)
        _preferences(application, hosts=hosts, rng=rng)


def _application(
    open_day: OpenDay,
    *,
    number: int,
    age: int,
    schools: dict[str, DemoSchool],
    rng: random.Random,
    school_key: str = "",
) -> Application:
    """A girl of `age` at a school of her age (a folkeskole to 15, then an upper secondary
    school), with a made-up address; her links issued once she has a row."""
    grade = min(age - 6, 9) if age <= 15 else age - 5
    kinds = (School.Kind.FOLKESKOLE,) if age <= 15 else (School.Kind.GYMNASIUM, School.Kind.VOCATIONAL)
    if school_key:
        school = schools[school_key].school
    else:
        school = rng.choice([s.school for s in schools.values() if s.school.kind in kinds])
    first_name = rng.choice(GIRLS)
    address = f"{first_name.lower()}.{open_day.date.year}.{number}@example.dk"
    application = Application.objects.create(
        open_day=open_day,
        first_name=first_name,
        age=age,
        grade=grade,
        school=school,
        municipality_id=school.municipality_id,
        email=address,
        guardian_email=f"forælder.{open_day.date.year}.{number}@example.dk" if age < 15 else "",
        first_time=rng.random() < 0.8,
    )
    application.issue_links()
    application.save(update_fields=["link_nonce", "token_hash", "guardian_token_hash"])
    return application


def _apply_state(application: Application, *, status: str, now: dt.datetime, rng: random.Random) -> None:
    """The timestamps the services would have written on the way to `status`."""
    applied = now - dt.timedelta(days=rng.randint(1, 19), hours=rng.randint(0, 12))
    application.status = status
    if status == Application.Status.CONFIRMED:
        application.confirmed_at = applied + dt.timedelta(hours=rng.randint(1, 30))
    elif status in (Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN):
        applied = now - dt.timedelta(hours=rng.randint(2, 30))
        application.expires_at = applied + dt.timedelta(days=3)
    elif status == Application.Status.WITHDRAWN:
        application.confirmed_at = applied + dt.timedelta(hours=2)
        application.withdrawn_at = application.confirmed_at + dt.timedelta(days=2)
    elif status == Application.Status.EXPIRED:
        application.expires_at = applied + dt.timedelta(days=3)
    application.save()
    Application.objects.filter(pk=application.pk).update(created_at=applied)


def _preferences(application: Application, *, hosts: list[Host], rng: random.Random) -> None:
    """Three hosts she may go to (old enough for each), ranked; the closer ones a bit more often."""
    allowed = [host for host in hosts if host.age_min is None or application.age >= host.age_min]
    weights = [3 if host.company.municipality_id == application.municipality_id else 1 for host in allowed]
    chosen: list[Host] = []
    while len(chosen) < application.open_day.preferences:
        host = rng.choices(allowed, weights)[0]
        if host not in chosen:
            chosen.append(host)
    Preference.objects.bulk_create(
        Preference(application=application, host=host, rank=rank) for rank, host in enumerate(chosen, start=1)
    )


def _held(
    open_day: OpenDay, *, hosts: list[Host], schools: dict[str, DemoSchool], rng: random.Random, today: dt.date
) -> None:
    """Last year's day: applied for, matched, published, held, surveyed; erased when due."""
    apply_time = timezone.localtime(open_day.applications_open) + dt.timedelta(days=5)
    applications = []
    for number in range(1, LAST_YEARS_APPLICANTS + 1):
        application = _application(open_day, number=number, age=rng.randint(13, 18), schools=schools, rng=rng)
        status = Application.Status.WITHDRAWN if number <= LAST_YEARS_WITHDRAWN else Application.Status.CONFIRMED
        application.status = status
        application.confirmed_at = apply_time + dt.timedelta(days=number % 20)
        if status == Application.Status.WITHDRAWN:
            application.withdrawn_at = application.confirmed_at + dt.timedelta(days=3)
        application.save()
        Application.objects.filter(pk=application.pk).update(
            created_at=application.confirmed_at - dt.timedelta(hours=1)
        )
        _preferences(application, hosts=hosts, rng=rng)
        applications.append(application)
    run = _run(open_day, applications=[a for a in applications if a.status == Application.Status.CONFIRMED], rng=rng)
    _publish(open_day, run=run)
    _attendance_and_survey(open_day, rng=rng)
    open_day.status = OpenDay.Status.CLOSED
    open_day.save(update_fields=["status"])
    if open_day.survey_closes + dt.timedelta(days=open_day.retention_days) < today:
        _erase(open_day)


def _run(open_day: OpenDay, *, applications: list[Application], rng: random.Random) -> MatchRun:
    """A placement by preference rank, priorities first (first-timers and outlying
    municipalities), the seed's shuffle breaking ties; unplaced applicants are waitlisted in
    that order. The report has the matching report's shape."""
    started = open_day.applications_close + dt.timedelta(days=1)
    run = MatchRun.objects.create(
        open_day=open_day,
        status=MatchRun.Status.PUBLISHED,
        progress=100,
        stage="Færdig",
        seed=RUN_SEED,
        started_by=open_day.created_by,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=2),
        solver_seconds=0.04,
        total_seconds=1.3,
    )
    outlying = set(open_day.outlying_municipalities.values_list("pk", flat=True))
    order = list(applications)
    random.Random(run.seed).shuffle(order)
    priorities = {a.pk: _priorities(a, outlying) for a in order}
    order.sort(key=lambda a: -len(priorities[a.pk]))
    free = {host.pk: host.places for host in open_day.hosts.all()}
    placements, waitlisted = [], 0
    for application in order:
        ranked = list(application.preferences.order_by("rank"))
        preference = next((p for p in ranked if free[p.host_id] > 0), None)
        placement = Placement(
            run=run,
            application=application,
            priorities=priorities[application.pk],
            priority_bonus=len(priorities[application.pk]),
        )
        if preference is None:
            waitlisted += 1
            placement.waitlist_order = waitlisted
            placement.reason = "Alle hendes ønskede værter var fulde."
        else:
            free[preference.host_id] -= 1
            placement.host_id, placement.preference_rank = preference.host_id, preference.rank
        placements.append(placement)
    Placement.objects.bulk_create(placements)
    run.report = _report(open_day, placements=placements)
    run.save(update_fields=["report"])
    return run


def _priorities(application: Application, outlying: set[int]) -> list[str]:
    return [
        name
        for name, applies in (
            ("first_time", application.first_time),
            ("outlying", application.municipality_id in outlying),
        )
        if applies
    ]


def _report(open_day: OpenDay, *, placements: list[Placement]) -> dict:
    eligible = len(placements)
    placed = [p for p in placements if p.host_id]
    ranks = Counter(p.preference_rank for p in placed)
    by_host = Counter(p.host_id for p in placed)
    municipalities: dict[str, dict[str, float]] = {}
    for placement in placements:
        code = str(placement.application.municipality_id)
        counts = municipalities.setdefault(code, {"eligible": 0, "placed": 0})
        counts["eligible"] += 1
        counts["placed"] += bool(placement.host_id)
    for counts in municipalities.values():
        counts["placed_share"] = round(counts["placed"] / counts["eligible"], 3)
    return {
        "eligible": eligible,
        "placed": len(placed),
        "placed_share": round(len(placed) / eligible, 3),
        "first_choice_share": round(ranks[1] / eligible, 3),
        "top3_share": round(sum(ranks[rank] for rank in (1, 2, 3)) / eligible, 3),
        "hosts": {
            str(host.pk): {
                "company": host.company.name,
                "places": host.places,
                "placed": by_host[host.pk],
                "fill_rate": round(by_host[host.pk] / host.places, 3),
            }
            for host in open_day.hosts.select_related("company")
        },
        "municipalities": municipalities,
    }


def _publish(open_day: OpenDay, *, run: MatchRun) -> None:
    """What publishing writes on each application; the day published."""
    for placement in run.placements.select_related("application"):
        application = placement.application
        if placement.host_id:
            application.outcome, application.host_id = Application.Outcome.PLACED, placement.host_id
            application.preference_rank = placement.preference_rank
        else:
            application.outcome, application.waitlist_position = (
                Application.Outcome.WAITLISTED,
                placement.waitlist_order,
            )
        application.save(update_fields=["outcome", "host", "preference_rank", "waitlist_position"])
    open_day.status = OpenDay.Status.PUBLISHED
    open_day.published_at = run.finished_at + dt.timedelta(days=1)
    open_day.save(update_fields=["status", "published_at"])


def _attendance_and_survey(open_day: OpenDay, *, rng: random.Random) -> None:
    """Hosts marked who came; most participants who came and every host answered the survey,
    interest in a technical education mostly up after the day."""
    answered = timezone.make_aware(dt.datetime.combine(open_day.date + dt.timedelta(days=4), dt.time(19)))
    for application in open_day.applications.filter(outcome=Application.Outcome.PLACED):
        application.attended = rng.random() >= ABSENT_SHARE
        application.save(update_fields=["attended"])
        if application.attended and rng.random() < SURVEY_ANSWER_SHARE:
            before = rng.randint(1, 4)
            SurveyResponse.objects.create(
                open_day=open_day,
                respondent=SurveyResponse.Respondent.PARTICIPANT,
                application=application,
                interest_before=before,
                interest_after=min(5, before + rng.choice((0, 1, 1, 2))),
                rating=rng.choice((4, 4, 5, 5, 5, 3)),
                comment=rng.choice(COMMENTS),
            )
    for host in open_day.hosts.all():
        SurveyResponse.objects.create(
            open_day=open_day,
            respondent=SurveyResponse.Respondent.HOST,
            host=host,
            rating=rng.choice((4, 5)),
            comment=rng.choice(HOST_COMMENTS),
        )
    SurveyResponse.objects.filter(open_day=open_day).update(created_at=answered)


def _erase(open_day: OpenDay) -> None:
    """What the daily erasure leaves once the retention period after the survey has passed:
    no name, address, school or link; age, grade, municipality, outcome and answers stay."""
    erased = timezone.make_aware(
        dt.datetime.combine(open_day.survey_closes + dt.timedelta(days=open_day.retention_days + 1), dt.time(3))
    )
    open_day.applications.update(
        first_name="",
        email="",
        guardian_email="",
        school=None,
        link_nonce="",
        token_hash="",
        guardian_token_hash="",
        erased_at=erased,
    )
    open_day.survey_responses.filter(respondent=SurveyResponse.Respondent.PARTICIPANT).update(comment="")
    open_day.erased_at = erased
    open_day.save(update_fields=["erased_at"])
