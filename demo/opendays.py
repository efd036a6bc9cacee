"""Demo open days on the IGEday model (Introduce a Girl to Engineering Day): the coming spring's
day for girls across North Jutland, taking applications, with hosts across the region and
applicants in every state; and last year's day and the year before's (the region's first, with
fewer hosts), each matched, published and held, with its run and report, attendance and survey
answers (and, once its retention period has passed, its applicants' personal data erased by the
daily erasure).

The days are written through the open-day services, each given the moment it happened (`now`),
so every row is in the state the services leave. Written through the models, and said so where
it is done: what no service can make because it lies in the past (last year's day itself: a
service refuses a date gone by; when rows were created; when last year's run ran; last year's
e-mails, which went out at the time). Last year's day is matched by the real solver
(run_start, run_execute), so its run page reads a report of the matching's own shape.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.dates import holiday_name
from core.models import Municipality
from demo.companies import DemoCompany
from demo.dates import TH, at
from demo.logins import CONSULTANT
from demo.schools import DemoSchool
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from opendays import services
from opendays.messages.after import APPLICATION_SUBJECT_TYPES, HOST_SURVEY_SUBJECT_TYPE
from opendays.messages.publication import HOST_SUBJECT
from opendays.models import Application, Host, MatchRun, OpenDay, SurveyResponse
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
# The region's first day, the year before: fewer hosts, so fewer girls reached.
FIRST_YEARS_HOSTS = ("nordvind", "nordlys", "limfjords-el", "mejeri")

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
FIRST_YEARS_APPLICANTS = 50
LAST_YEARS_WITHDRAWN = 3
ABSENT_SHARE = 0.1
SURVEY_ANSWER_SHARE = 0.7


def opendays_create(
    *, companies: dict[str, DemoCompany], schools: dict[str, DemoSchool], rng: random.Random, today: dt.date
) -> None:
    """The coming spring's day taking applications, then last year's day and the one the year
    before, held."""
    consultant = User.objects.get(username=CONSULTANT.username)
    coming = _coming_day(spring_day_coming(today), consultant=consultant, opened_by=today - WINDOW_OPEN_FOR)
    coming_hosts = [_host(coming, spec, companies[spec.company]) for spec in HOSTS]
    _coming_applications(coming, hosts=coming_hosts, schools=schools, rng=rng)
    last = _past_day(spring_day_last(today), consultant=consultant)
    specs = {spec.company: spec for spec in HOSTS}
    last_hosts = {key: _host(last, specs[key], companies[key]) for key in LAST_YEARS_HOSTS}
    _held(last, hosts=last_hosts, companies=companies, schools=schools, consultant=consultant, rng=rng)
    first = _past_day(spring_day(last.date.year - 1), consultant=consultant)
    first_hosts = {key: _host(first, specs[key], companies[key]) for key in FIRST_YEARS_HOSTS}
    _held(
        first,
        hosts=first_hosts,
        companies=companies,
        schools=schools,
        consultant=consultant,
        rng=rng,
        applicants=FIRST_YEARS_APPLICANTS,
    )


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


def _terms(day: dt.date, *, opened_by: dt.date | None = None) -> dict:
    """The day for girls over the region, its window opening some weeks before it (and no
    later than `opened_by`, so that the applications lie within it)."""
    opens = day - dt.timedelta(weeks=WINDOW_OPENS_WEEKS)
    return {
        "title": f"{DAY_TITLE} {day.year}",
        "description": DAY_DESCRIPTION,
        "date": day,
        "gender_focus": OpenDay.GenderFocus.GIRLS,
        "applications_open": at(min(opens, opened_by or opens), "08:00"),
        "applications_close": at(day - dt.timedelta(weeks=WINDOW_CLOSES_WEEKS), "23:59"),
        "survey_closes": day + dt.timedelta(weeks=SURVEY_WEEKS),
    }


def _coming_day(day: dt.date, *, consultant: User, opened_by: dt.date) -> OpenDay:
    return services.open_day_create(
        actor=consultant,
        municipalities=Municipality.objects.filter(region=REGION),
        outlying_municipalities=Municipality.objects.filter(code__in=OUTLYING_MUNICIPALITIES),
        **_terms(day, opened_by=opened_by),
    )


def _past_day(day: dt.date, *, consultant: User) -> OpenDay:
    """Last year's day, written through the model: open_day_create refuses a date gone by.
    It is open as the service leaves a new day; the services take it on from there."""
    open_day = OpenDay.objects.create(created_by=consultant, **_terms(day))
    open_day.municipalities.set(Municipality.objects.filter(region=REGION))
    open_day.outlying_municipalities.set(Municipality.objects.filter(code__in=OUTLYING_MUNICIPALITIES))
    return open_day


def _host(open_day: OpenDay, spec: HostSpec, company: DemoCompany) -> Host:
    """The company's registration by its host, at its own address (the service's default)."""
    starts_at, ends_at = (dt.time.fromisoformat(time) for time in spec.times)
    return services.host_register(
        actor=company.host,
        open_day=open_day,
        company=company.company,
        places=spec.places,
        starts_at=starts_at,
        ends_at=ends_at,
        programme=spec.programme,
        role_models=company.role_models,
        role_models_text=spec.role_models_text,
        age_min=spec.age_min,
        safety_notes=spec.safety_notes,
    )


def _coming_applications(
    open_day: OpenDay, *, hosts: list[Host], schools: dict[str, DemoSchool], rng: random.Random
) -> None:
    """Applicants in every state, each with three ranked hosts; then a teacher's applications.
    Each step is taken at the moment it happened, so the deadlines the services set put those
    still waiting before their deadline and the expired past it."""
    now = timezone.now()
    number = 0
    for status, count in COMING_STATES:
        for _ in range(count):
            number += 1
            # Awaiting a guardian means under 15; the rest are of any age the day takes.
            age = rng.randint(13, 14) if status == Application.Status.AWAITING_GUARDIAN else rng.randint(13, 18)
            if status in (Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN):
                applied = now - dt.timedelta(hours=rng.randint(2, 30))
            else:
                applied = now - dt.timedelta(days=rng.randint(3, 19), hours=rng.randint(0, 12))
            application = _apply(open_day, number=number, age=age, hosts=hosts, schools=schools, rng=rng, at=applied)
            confirmed = applied + dt.timedelta(hours=rng.randint(1, 30))
            if status == Application.Status.AWAITING_GUARDIAN:
                services.email_confirm(application=application, now=applied + dt.timedelta(hours=1))
            elif status in (Application.Status.CONFIRMED, Application.Status.WITHDRAWN):
                _confirm(application, at=confirmed)
            if status == Application.Status.WITHDRAWN:
                services.application_withdraw(application=application, now=confirmed + dt.timedelta(days=2))
    # Those who never confirmed are past their deadline by now, as the daily round finds them.
    services.expire_unconfirmed(now=now)
    teacher = schools["vestbjerg"].teacher
    names = rng.sample(GIRLS, TEACHERS_APPLICANTS)
    applied = now - dt.timedelta(days=6)
    pupils = [
        services.Pupil(first_name=name, age=15, grade=9, host_ids=_preferences(open_day, 15, hosts=hosts, rng=rng))
        for name in names
    ]
    for application in services.applications_submit_for_pupils(
        open_day=open_day, user=teacher, pupils=pupils, now=applied
    ):
        _created(application, applied)


def _apply(
    open_day: OpenDay,
    *,
    number: int,
    age: int,
    hosts: list[Host],
    schools: dict[str, DemoSchool],
    rng: random.Random,
    at: dt.datetime,
) -> Application:
    """A girl of `age` at a school of her age (a folkeskole to 15, then an upper secondary
    school), with a made-up address, applies through the public form's service at `at`."""
    kinds = (School.Kind.FOLKESKOLE,) if age <= 15 else (School.Kind.GYMNASIUM, School.Kind.VOCATIONAL)
    school = rng.choice([s.school for s in schools.values() if s.school.kind in kinds])
    first_name = rng.choice(GIRLS)
    year = open_day.date.year
    application = services.application_submit(
        open_day=open_day,
        first_name=first_name,
        age=age,
        grade=min(age - 6, 9) if age <= 15 else age - 5,
        school=school,
        email=f"{_ascii(first_name)}.{year}.{number}@example.dk",
        guardian_email=f"foraelder.{year}.{number}@example.dk" if age < 15 else "",
        first_time=rng.random() < 0.8,
        host_ids=_preferences(open_day, age, hosts=hosts, rng=rng, municipality_id=school.municipality_id),
        now=at,
    )
    _created(application, at)
    return application


def _ascii(name: str) -> str:
    """A name as an e-mail address's local part can carry it everywhere: "Sørine" → "soerine"."""
    return name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def _created(application: Application, moment: dt.datetime) -> None:
    """When she applied, written through the model: the row's creation time is the clock's."""
    Application.objects.filter(pk=application.pk).update(created_at=moment)


def _confirm(application: Application, *, at: dt.datetime) -> Application:
    """She confirms her e-mail at `at`; under 15, her guardian consents an hour later."""
    application = services.email_confirm(application=application, now=at)
    if application.needs_guardian:
        application = services.guardian_consent(application=application, consent=True, now=at + dt.timedelta(hours=1))
    return application


def _preferences(
    open_day: OpenDay, age: int, *, hosts: list[Host], rng: random.Random, municipality_id: int | None = None
) -> list[int]:
    """The day's number of hosts she may go to (old enough for each), ranked; the ones in her
    municipality a bit more often."""
    allowed = [host for host in hosts if host.age_min is None or age >= host.age_min]
    weights = [3 if host.company.municipality_id == municipality_id else 1 for host in allowed]
    chosen: list[int] = []
    while len(chosen) < open_day.preferences:
        host = rng.choices(allowed, weights)[0]
        if host.pk not in chosen:
            chosen.append(host.pk)
    return chosen


def _held(
    open_day: OpenDay,
    *,
    hosts: dict[str, Host],
    companies: dict[str, DemoCompany],
    schools: dict[str, DemoSchool],
    consultant: User,
    rng: random.Random,
    applicants: int = LAST_YEARS_APPLICANTS,
) -> None:
    """A past day: applied for, matched, published, held, surveyed, closed; its e-mails
    sent at the time; erased when due."""
    apply_time = timezone.localtime(open_day.applications_open) + dt.timedelta(days=5)
    for number in range(1, applicants + 1):
        applied = apply_time + dt.timedelta(days=number % 20, hours=number % 7)
        application = _apply(
            open_day,
            number=number,
            age=rng.randint(13, 18),
            hosts=list(hosts.values()),
            schools=schools,
            rng=rng,
            at=applied,
        )
        confirmed = _confirm(application, at=applied + dt.timedelta(hours=1))
        if number <= LAST_YEARS_WITHDRAWN:
            services.application_withdraw(application=confirmed, now=applied + dt.timedelta(days=3))
    run = _match(open_day, consultant=consultant)
    services.run_publish(actor=consultant, run=run, now=run.finished_at + dt.timedelta(days=1))
    open_day.refresh_from_db()
    _attendance_and_survey(open_day, hosts=hosts, companies=companies, rng=rng)
    services.open_day_close(actor=consultant, open_day=open_day)
    _sent_at_the_time(open_day)
    services.erase_due(now=timezone.now())


def _match(open_day: OpenDay, *, consultant: User) -> MatchRun:
    """The consultant's run the day after applications closed, by the real solver with the
    recorded seed. When it ran is written through the model afterwards: the run records the
    clock's time, and it ran a year ago."""
    started = open_day.applications_close + dt.timedelta(days=1)
    run = services.run_start(actor=consultant, open_day=open_day, seed=RUN_SEED, now=started)
    run = services.run_execute(run_id=run.pk)
    took = dt.timedelta(seconds=run.total_seconds or 0)
    MatchRun.objects.filter(pk=run.pk).update(created_at=started, started_at=started, finished_at=started + took)
    run.refresh_from_db()
    return run


def _attendance_and_survey(
    open_day: OpenDay, *, hosts: dict[str, Host], companies: dict[str, DemoCompany], rng: random.Random
) -> None:
    """Hosts marked who came; the survey links went out the day after; most participants who
    came and every host answered, interest in a technical education mostly up after the day.
    When they answered is written through the model: the answer records the clock's time."""
    for key, host in hosts.items():
        host.open_day = open_day  # as published
        for application in host.participants.filter(outcome=Application.Outcome.PLACED).order_by("id"):
            services.attendance_mark(
                actor=companies[key].host, host=host, application=application, attended=rng.random() >= ABSENT_SHARE
            )
    services.surveys_send(now=at(open_day.date + dt.timedelta(days=1), "16:00"))
    answered = at(open_day.date + dt.timedelta(days=4), "19:00")
    for application in open_day.applications.filter(attended=True).order_by("id"):
        if rng.random() < SURVEY_ANSWER_SHARE:
            before = rng.randint(1, 4)
            services.survey_answer(
                application=application,
                interest_before=before,
                interest_after=min(5, before + rng.choice((0, 1, 1, 2))),
                rating=rng.choice((4, 4, 5, 5, 5, 3)),
                comment=rng.choice(COMMENTS),
                now=answered,
            )
    for key, host in hosts.items():
        services.host_survey_answer(
            user=companies[key].host,
            host=host,
            rating=rng.choice((4, 5)),
            comment=rng.choice(HOST_COMMENTS),
            now=answered,
        )
    SurveyResponse.objects.filter(open_day=open_day).update(created_at=answered)


def _sent_at_the_time(open_day: OpenDay) -> None:
    """Last year's e-mails (confirmations, placements, reminders, participant lists, surveys)
    went out when they were due, a year ago; written through the model, so that the first
    delivery pass of the demo does not send them now."""
    keys = [
        subject_key(kind, pk)
        for pk in open_day.applications.values_list("pk", flat=True)
        for kind in APPLICATION_SUBJECT_TYPES
    ]
    keys += [
        subject_key(kind, pk)
        for pk in open_day.hosts.values_list("pk", flat=True)
        for kind in (HOST_SUBJECT, HOST_SURVEY_SUBJECT_TYPE)
    ]
    OutgoingMessage.objects.filter(subject_key__in=keys, status=OutgoingMessage.Status.PENDING).update(
        status=OutgoingMessage.Status.SENT, sent_at=F("due_at")
    )
