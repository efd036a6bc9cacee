"""Demo class adoptions: this school year's adoptions, whose annual plans are half done, and
a round for the next school year that is still collecting the companies' capacities and the
classes' wishes, across the North Jutland municipalities, so a matching run has something to
weigh: more classes than places, an outlying island and peninsula, a grey-zone school.

The classes that wish are next year's 8th grades: each folkeskole's 7th grades one school year
on, linked to this year's class (`SchoolClass.previous`), made as the roll-over makes them. Everything is written through
`adoptions.services`, by the person who would write it (the consultant opens the round and
sets its priorities, each company's host states its capacity, each school's teacher its
classes' wishes and renewal answers, teacher or host the plan's activities), so the demo
obeys the same rules as the product. A booked activity is booked as plans book: on a private
slot of the company, on a school day some weeks ahead when the class is free. The only
direct write is the time of the history of done activities, moved back to when they would
have been written and marked done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation

from accounts.models import User
from adoptions import services
from adoptions.models import (
    Adoption,
    AdoptionRound,
    AnnualPlan,
    PlanActivity,
    PlanChange,
)
from adoptions.services.rollover import next_year_class
from bookings.models import Booking
from companies.models import Company
from core.dates import holiday_name
from core.models import LearningGoal, Municipality, Sector
from demo.companies import DemoCompany
from demo.dates import MO, TH, TU, WE, at
from demo.logins import CONSULTANT
from demo.schools import FOLK, SCHOOLS, DemoSchool
from schools.models import SchoolClass

ROUND_TITLE = "Klasseadoption Nordjylland"
REGION = "Nordjylland"
OUTLYING_MUNICIPALITIES = (825, 773, 787)  # Læsø, Morsø, Thisted
GREY_ZONE_SCHOOLS = ("skalborg",)
WISHES_DEADLINE_WEEKS = 3


@dataclass(frozen=True)
class CapacitySpec:
    company: str
    classes: int
    max_travel_km: int
    activities_per_month: int
    weekdays: tuple[int, ...] = ()  # empty: any school day
    notes: str = ""


CAPACITIES = (
    CapacitySpec("nordlys", 3, 30, 6, (TU, TH), "Vi har gode erfaringer med 8.A fra Vestbjerg og tager gerne tre nye klasser."),
    CapacitySpec("limfjords-el", 2, 35, 4, notes="Lærlingene står for det meste af undervisningen."),
    CapacitySpec("medtech-nord", 1, 25, 2, (MO, WE)),
    CapacitySpec("nordlager", 2, 30, 5),
    CapacitySpec("solgaarden", 2, 45, 3, notes="Helst klasser, der vil arbejde med energi i fysik/kemi."),
    CapacitySpec("nordvind", 2, 60, 4, (TU,), "Besøg på basen kun om tirsdagen, når holdene er i land."),
    CapacitySpec("laesoe-havn", 1, 15, 2, (WE, TH), "Kun Læsø — vi kan ikke nå fastlandet og hjem på en skoledag."),
    CapacitySpec("hirtshals-transport", 1, 40, 3),
    CapacitySpec("vendsyssel-it", 1, 30, 3),
    CapacitySpec("skaldyr", 1, 35, 2, notes="Muslingelinerne kan kun besøges fra april til oktober."),
    CapacitySpec("thygesen", 2, 60, 4, notes="Vi kører gerne til Mors."),
    CapacitySpec("thy-biogas", 1, 40, 2),
    CapacitySpec("mejeri", 1, 40, 3),
    CapacitySpec("himmerland-sundhed", 1, 35, 2, (MO, TU, WE)),
)  # fmt: skip


@dataclass(frozen=True)
class WishSpec:
    """A class's wishes for next school year; each choice a company's key or a sector's code."""

    school: str
    class_name: str
    max_travel_km: int
    choices: tuple[str, ...]
    notes: str = ""


WISHES = (
    WishSpec("vestbjerg", "8.A", 25, ("nordlys", "ict", "medtech-nord"), "Klassen er vild med programmering og vil gerne lave en app."),
    WishSpec("vestbjerg", "8.B", 30, ("nordlager", "logistics", "limfjords-el")),
    WishSpec("skalborg", "8.A", 20, ("limfjords-el", "construction", "medtech-nord"),
             "Mange elever er usikre på, hvad de skal efter 9. klasse. Vi vil gerne se håndværk tæt på."),
    WishSpec("skalborg", "8.B", 20, ("medtech-nord", "healthtech", "nordlys")),
    WishSpec("skalborg", "8.C", 25, ("nordlager", "limfjords-el"), "Klassen har svært ved at komme langt — bus 12 går lige til Nørresundby."),
    WishSpec("loevvang", "8.A", 25, ("nordlager", "logistics", "ict")),
    WishSpec("loevvang", "8.B", 30, ("nordlys", "vendsyssel-it", "ict")),
    WishSpec("soendergaard", "8.A", 30, ("solgaarden", "energy")),
    WishSpec("soendergaard", "8.B", 40, ("solgaarden", "nordlys", "ict")),
    WishSpec("fladstrand", "8.A", 40, ("nordvind", "maritime", "energy"), "Tre elever drømmer om at komme på søen."),
    WishSpec("fladstrand", "8.B", 50, ("nordvind", "hirtshals-transport")),
    WishSpec("bagterp", "8.A", 30, ("vendsyssel-it", "ict", "hirtshals-transport")),
    WishSpec("bagterp", "8.B", 30, ("hirtshals-transport", "logistics", "maritime")),
    WishSpec("bagterp", "8.C", 35, ("vendsyssel-it", "nordvind")),
    WishSpec("aabybro", "8.A", 40, ("nordlys", "ict", "limfjords-el")),
    WishSpec("aabybro", "8.B", 35, ("construction", "energy")),
    WishSpec("laesoe", "8.A", 15, ("laesoe-havn", "maritime"),
             "Vi bor på en ø: færgen sejler hver anden time, så aktiviteterne skal helst foregå på Læsø."),
    WishSpec("rosendal", "8.A", 40, ("himmerland-sundhed", "healthtech", "food")),
    WishSpec("rosendal", "8.B", 45, ("mejeri", "food")),
    WishSpec("noerrebro", "8.A", 40, ("skaldyr", "thygesen", "food")),
    WishSpec("noerrebro", "8.B", 60, ("thygesen", "construction"), "Vi kan låne kommunens bus om onsdagen."),
    WishSpec("stoevring", "8.A", 25, ("himmerland-sundhed", "healthtech")),
    WishSpec("aars", "8.A", 25, ("mejeri", "food", "construction")),
    WishSpec("tingstrup", "8.A", 30, ("thygesen", "thy-biogas", "energy")),
)  # fmt: skip

DONE, BOOKED, PLANNED, IDEA = (
    PlanActivity.Status.DONE,
    PlanActivity.Status.BOOKED,
    PlanActivity.Status.PLANNED,
    PlanActivity.Status.IDEA,
)
VISIT, EXPERT, PROJECT, INTERNSHIP, TEACHER_VISIT = (
    PlanActivity.Kind.COMPANY_VISIT,
    PlanActivity.Kind.EXPERT_AT_SCHOOL,
    PlanActivity.Kind.PROJECT,
    PlanActivity.Kind.INTERNSHIP_DAY,
    PlanActivity.Kind.TEACHER_VISIT,
)

# Fælles Mål competence areas, as (subject code, area) of core.LearningGoal.
MATH_STATS = ("math", "Statistik og sandsynlighed")
MATH_GEOMETRY = ("math", "Geometri og måling")
MATH_COMPETENCES = ("math", "Matematiske kompetencer")
PHYSICS_INVESTIGATION = ("physics-chemistry", "Undersøgelse")
PHYSICS_MODELLING = ("physics-chemistry", "Modellering")
PHYSICS_PERSPECTIVE = ("physics-chemistry", "Perspektivering")
BIOLOGY_INVESTIGATION = ("biology", "Undersøgelse")
BIOLOGY_PERSPECTIVE = ("biology", "Perspektivering")
GEOGRAPHY_PERSPECTIVE = ("geography", "Perspektivering")
TECH_DESIGN = ("technology-understanding", "Digital design og designprocesser")
TECH_COMPUTATIONAL = ("technology-understanding", "Computationel tankegang")
TECH_EMPOWERMENT = ("technology-understanding", "Digital myndiggørelse")
JOB_EDUCATION = ("education-and-job", "Fra uddannelse til job")
JOB_WORKING_LIFE = ("education-and-job", "Arbejdsliv")
JOB_CHOICES = ("education-and-job", "Personlige valg")
INNOVATION_CREATIVITY = ("innovation-entrepreneurship", "Kreativitet")
INNOVATION_ACTION = ("innovation-entrepreneurship", "Handling")


@dataclass(frozen=True)
class ActivitySpec:
    """One activity of a plan. A done one took place `done_share` of the way from the start of
    the school year to today; a booked one is booked `weeks_ahead` weeks on (the first school
    day from then when the class is free); planned ones and ideas lie `months_ahead` months on
    (ideas may have no month yet)."""

    title: str
    kind: str
    status: str
    goals: tuple[tuple[str, str], ...]
    preparation: str = ""
    description: str = ""
    follow_up: str = ""
    done_share: float = 0.0
    months_ahead: int | None = None
    weeks_ahead: int | None = None  # booked: when
    by_host: bool = False  # the company's host wrote it, else the teacher


@dataclass(frozen=True)
class AdoptionSpec:
    school: str
    class_name: str
    company: str
    goals_note: str
    activities: tuple[ActivitySpec, ...]
    school_wants_renewal: bool | None = None
    company_wants_renewal: bool | None = None


ADOPTIONS = (
    AdoptionSpec(
        "vestbjerg", "8.A", "nordlys",
        "8.A arbejder i år med digital design i teknologiforståelse og med statistik i matematik. "
        "Flere elever ved ikke, hvad man laver i en IT-virksomhed — forløbet skal åbne for det.",
        (
            ActivitySpec(
                "Opstartsbesøg: mød udviklerne", VISIT, DONE, (JOB_WORKING_LIFE, TECH_EMPOWERMENT),
                "Eleverne skrev tre spørgsmål hver til udviklerne og delte sig i interviewgrupper.",
                "Rundvisning, interviews med udviklere og studentermedhjælpere, og en kort opgave i at teste en app.",
                "Grupperne lavede plakater om 'en dag i en udviklers liv', som hænger på gangen.",
                done_share=0.15,
            ),
            ActivitySpec(
                "Brugerinterview i skolegården", EXPERT, DONE, (TECH_DESIGN, MATH_STATS),
                "Vi gennemgik, hvad et godt interviewspørgsmål er, og lavede et spørgeskema i matematik.",
                "En UX-designer fra Nordlys hjalp klassen med at interviewe 5. årgang om deres skolevej.",
                "Svarene blev talt op og vist i diagrammer i matematik.",
                done_share=0.45, by_host=True,
            ),
            ActivitySpec(
                "Skitser og papirprototyper", PROJECT, DONE, (TECH_DESIGN, INNOVATION_CREATIVITY),
                "Hver gruppe valgte et problem fra interviewene.",
                "Grupperne tegnede skærmbilleder på papir og fik feedback fra to udviklere over video.",
                "Prototyperne blev rettet til efter feedbacken.",
                done_share=0.8,
            ),
            ActivitySpec(
                "Fra idé til app: prototypen testes hos Nordlys", VISIT, BOOKED, (TECH_DESIGN, TECH_COMPUTATIONAL),
                "Grupperne gør deres prototyper klar og øver en præsentation på to minutter.",
                "Klassen arbejder som et udviklingsteam og får prototyperne testet af rigtige udviklere.",
                "Vi skriver en fælles evaluering og vælger den prototype, vi arbejder videre med.",
                weeks_ahead=2,
            ),
            ActivitySpec(
                "Studentermedhjælpere fortæller om IT-uddannelser", EXPERT, PLANNED, (JOB_EDUCATION, JOB_CHOICES),
                "Eleverne undersøger på ug.dk, hvilke uddannelser der fører til IT-job.",
                "To studentermedhjælpere fortæller om gymnasievalg og studieliv.",
                "Eleverne skriver i deres uddannelsesplan, hvad de har lært.",
                months_ahead=2,
            ),
            ActivitySpec(
                "Lærerbesøg: data i kommunens apps", TEACHER_VISIT, PLANNED, (TECH_EMPOWERMENT,),
                description="Matematiklæreren besøger Nordlys og henter data til et statistikforløb.",
                months_ahead=3,
            ),
            ActivitySpec("Hackathon med Nordlys", PROJECT, IDEA, (INNOVATION_ACTION, TECH_COMPUTATIONAL),
                         description="En hel dag, hvor klassen bygger videre på den bedste prototype.", months_ahead=5,
                         by_host=True),
            ActivitySpec("Praktikdag for to og to", INTERNSHIP, IDEA, (JOB_WORKING_LIFE,)),
        ),
        school_wants_renewal=True, company_wants_renewal=True,
    ),
    AdoptionSpec(
        "fladstrand", "8.B", "nordvind",
        "Energi og el i fysik/kemi; måling og beregning af effekt i matematik. Klassen skal møde "
        "faglærte og ingeniører, så valget efter 9. klasse ikke kun handler om gymnasiet.",
        (
            ActivitySpec(
                "Vindmølletekniker i klassen", EXPERT, DONE, (PHYSICS_INVESTIGATION, JOB_EDUCATION),
                "Vi repeterede spænding, strøm og effekt.",
                "En tekniker og en elektrikerlærling målte med klassen på en model af en mølle.",
                "Eleverne skrev en rapport om målingerne.",
                done_share=0.3, by_host=True,
            ),
            ActivitySpec(
                "Vind og effekt: måling i skolegården", PROJECT, DONE, (PHYSICS_MODELLING, MATH_STATS),
                "Grupperne byggede vindmålere af plastikkrus.",
                "Vi målte vind i en uge og sammenlignede med data fra Nordvinds park.",
                "Resultaterne blev fremlagt for 7. årgang.",
                done_share=0.6,
            ),
            ActivitySpec(
                "Bag om vindmøllen: en dag med serviceteknikerne", VISIT, BOOKED, (PHYSICS_PERSPECTIVE, JOB_WORKING_LIFE),
                "Eleverne forbereder spørgsmål om sikkerhed og arbejdstider.",
                "Klassen følger et servicehold på basen og prøver klatreudstyret.",
                "Eleverne skriver om et job, de mødte, i deres uddannelsesplan.",
                weeks_ahead=5,
            ),
            ActivitySpec(
                "Pigedag: mød kvindelige teknikere", VISIT, PLANNED, (JOB_CHOICES,),
                description="Pigerne i klassen deltager i pigedagen hos Nordvind.", months_ahead=2, by_host=True,
            ),
            ActivitySpec("Praktikdag på havnen", INTERNSHIP, PLANNED, (JOB_WORKING_LIFE, JOB_EDUCATION), months_ahead=4),
            ActivitySpec("Fælles projekt: energien i Frederikshavn", PROJECT, IDEA,
                         (GEOGRAPHY_PERSPECTIVE, PHYSICS_PERSPECTIVE, INNOVATION_ACTION)),
        ),
        school_wants_renewal=True,
    ),
    AdoptionSpec(
        "noerrebro", "8.A", "skaldyr",
        "Biologi: økosystemer og vandmiljø i Limfjorden. Klassen skal se, at der er job i "
        "fødevarer og natur på Mors.",
        (
            ActivitySpec(
                "På muslingebåden", VISIT, DONE, (BIOLOGY_INVESTIGATION, JOB_WORKING_LIFE),
                "Vi læste om blåmuslingens livscyklus og lavede hypoteser om vandets iltindhold.",
                "Klassen sejlede ud til linerne, tog vandprøver og så høsten.",
                "Vandprøverne blev analyseret i biologilokalet.",
                done_share=0.1,
            ),
            ActivitySpec(
                "Havbiologen i klassen", EXPERT, DONE, (BIOLOGY_PERSPECTIVE, JOB_EDUCATION),
                description="Havbiologen fortalte om sin vej fra gymnasiet til ph.d. og om fjordens iltsvind.",
                follow_up="Eleverne skrev et debatindlæg til Morsø Folkeblad.",
                done_share=0.4, by_host=True,
            ),
            ActivitySpec(
                "Vandkvalitet hele året", PROJECT, DONE, (BIOLOGY_INVESTIGATION, MATH_STATS),
                "Vi aftalte målepunkter og udstyr med Limfjordens Skaldyr.",
                "Eleverne måler hver måned og sammenligner med virksomhedens data.",
                done_share=0.75,
            ),
            ActivitySpec("Fra skaldyr til restaurant", VISIT, PLANNED, (JOB_WORKING_LIFE,), months_ahead=5),
            ActivitySpec("Fiskeriteknologelev fortæller", EXPERT, IDEA, (JOB_EDUCATION, JOB_CHOICES)),
            ActivitySpec("Lærerbesøg om fjordens data", TEACHER_VISIT, IDEA, (BIOLOGY_INVESTIGATION,)),
        ),
    ),
    AdoptionSpec(
        "aars", "8.B", "beton",
        "Geometri og måling i matematik; materialer og kræfter i fysik/kemi. Flere elever overvejer "
        "en erhvervsuddannelse.",
        (
            ActivitySpec(
                "Beton, robotter og matematik", VISIT, DONE, (MATH_GEOMETRY, PHYSICS_INVESTIGATION),
                "Eleverne regnede rumfang af et betonelement ud fra en tegning.",
                "Klassen støbte prøveklodser og så robotterne binde armering.",
                "Klodserne blev trykprøvet i laboratoriet to uger senere, og eleverne sammenlignede resultaterne.",
                done_share=0.35,
            ),
            ActivitySpec(
                "Automatiktekniker på besøg", EXPERT, DONE, (JOB_EDUCATION,),
                description="En automatiktekniker fortalte om sin læretid og viste, hvordan robotterne programmeres.",
                done_share=0.7, by_host=True,
            ),
            ActivitySpec("Byg en bro af beton", PROJECT, PLANNED, (MATH_GEOMETRY, INNOVATION_CREATIVITY), months_ahead=2),
            ActivitySpec("Praktikdag i laboratoriet", INTERNSHIP, PLANNED, (JOB_WORKING_LIFE,), months_ahead=4),
            ActivitySpec("Besøg på en byggeplads med elementerne", VISIT, IDEA, (MATH_COMPETENCES,)),
        ),
    ),
    AdoptionSpec(
        "laesoe", "8.A", "laesoe-havn",
        "Klassen er lille og bor på en ø. Målet er at vise, hvilke job øen og havnen har, og at "
        "man kan tage en maritim uddannelse og komme hjem igen.",
        (
            ActivitySpec(
                "Færgelejet og havnen", VISIT, DONE, (JOB_WORKING_LIFE, GEOGRAPHY_PERSPECTIVE),
                "Vi så på kort over færgeruterne og regnede på overfartstider.",
                "Klassen fulgte fortøjningen og var med i maskinrummet.",
                "Eleverne lavede en film om havnens job.",
                done_share=0.25,
            ),
            ActivitySpec(
                "Skibsassistenteleven fortæller", EXPERT, DONE, (JOB_EDUCATION, JOB_CHOICES),
                description="En tidligere elev fra Læsø Skole fortalte om skibsassistentuddannelsen.",
                done_share=0.65, by_host=True,
            ),
            ActivitySpec("Sikkerhed til søs", PROJECT, PLANNED, (PHYSICS_INVESTIGATION,), months_ahead=3),
            ActivitySpec("En dag om bord på færgen", INTERNSHIP, IDEA, (JOB_WORKING_LIFE,), months_ahead=6),
            ActivitySpec("Lærerbesøg på Skagen Skipperskole", TEACHER_VISIT, IDEA, (JOB_EDUCATION,)),
        ),
    ),
    AdoptionSpec(
        "bagterp", "8.C", "vendsyssel-it",
        "Digital myndiggørelse i teknologiforståelse: eleverne skal blive kritiske og trygge brugere.",
        (
            ActivitySpec(
                "Hackerangreb på skemaet", VISIT, DONE, (TECH_EMPOWERMENT, MATH_COMPETENCES),
                "Vi talte om, hvad et stærkt kodeord er, og regnede på antal kombinationer.",
                "Eleverne knækkede svage kodeord på en testmaskine og afslørede phishingmails.",
                "Klassen lavede en kampagne om kodeord til skolens intra.",
                done_share=0.2,
            ),
            ActivitySpec(
                "Phishing-kampagne for hele skolen", PROJECT, DONE, (TECH_EMPOWERMENT, INNOVATION_ACTION),
                description="Klassen sendte med Vendsyssel IT-sikkerheds hjælp en ufarlig testmail til lærerne.",
                follow_up="Resultaterne blev vist på et personalemøde — 14 lærere klikkede.",
                done_share=0.55, by_host=True,
            ),
            ActivitySpec(
                "IT-sikkerhedsanalytiker i klassen", EXPERT, DONE, (JOB_EDUCATION,),
                description="En analytiker fortalte om datamatikeruddannelsen og en typisk vagt.",
                done_share=0.85,
            ),
            ActivitySpec("Praktikdag i overvågningscentret", INTERNSHIP, PLANNED, (JOB_WORKING_LIFE,), months_ahead=3),
            ActivitySpec("Sikker på nettet: 8.C underviser 5. klasse", PROJECT, IDEA, (TECH_EMPOWERMENT,)),
        ),
    ),
)  # fmt: skip


def adoptions_create(
    *,
    companies: dict[str, DemoCompany],
    schools: dict[str, DemoSchool],
    school_year: int,
    today: dt.date,
) -> None:
    """This school year's adoptions with their plans, then next school year's round. The
    history the services write is in Danish, the demo's language."""
    with translation.override("da"):
        for spec in ADOPTIONS:
            _adoption(spec, companies=companies, schools=schools, school_year=school_year, today=today)
        _round(companies=companies, schools=schools, school_year=school_year, today=today)


def _round(
    *, companies: dict[str, DemoCompany], schools: dict[str, DemoSchool], school_year: int, today: dt.date
) -> AdoptionRound:
    """Next school year's round, collecting: the consultant opens it and marks its priorities
    (with the default weights), the hosts state capacity, then the teachers wish."""
    consultant = User.objects.get(username=CONSULTANT.username)
    next_classes = _next_years_eighth_grades(schools, school_year=school_year)
    adoption_round = services.round_open(
        actor=consultant,
        title=ROUND_TITLE,
        school_year=school_year + 1,
        municipalities=Municipality.objects.filter(region=REGION),
        wishes_deadline=today + dt.timedelta(weeks=WISHES_DEADLINE_WEEKS),
    )
    adoption_round = services.round_set_priorities(
        actor=consultant,
        round=adoption_round,
        outlying_municipalities=Municipality.objects.filter(code__in=OUTLYING_MUNICIPALITIES),
        grey_zone_schools=[schools[key].school for key in GREY_ZONE_SCHOOLS],
        weight_outlying=adoption_round.weight_outlying,
        weight_never_adopted=adoption_round.weight_never_adopted,
        weight_grey_zone=adoption_round.weight_grey_zone,
    )
    for spec in CAPACITIES:
        company = companies[spec.company]
        services.capacity_set(
            actor=company.host,
            round=adoption_round,
            company=company.company,
            classes=spec.classes,
            max_travel_km=spec.max_travel_km,
            weekdays=spec.weekdays,
            activities_per_month=spec.activities_per_month,
            notes=spec.notes,
        )
    for spec in WISHES:
        services.wish_set(
            actor=schools[spec.school].teacher,
            round=adoption_round,
            school_class=next_classes[spec.school, spec.class_name],
            choices=[_choice(key, companies) for key in spec.choices],
            max_travel_km=spec.max_travel_km,
            notes=spec.notes,
        )
    return adoption_round


def _adoption(
    spec: AdoptionSpec,
    *,
    companies: dict[str, DemoCompany],
    schools: dict[str, DemoSchool],
    school_year: int,
    today: dt.date,
) -> Adoption:
    school, company = schools[spec.school], companies[spec.company]
    school_class = next(c for c in school.classes if c.name == spec.class_name)
    adoption = services.adoption_create(school_class=school_class, company=company.company)
    plan = services.plan_update(
        actor=school.teacher,
        plan=adoption.plan,
        target_activities=adoption.plan.target_activities,
        goals_note=spec.goals_note,
    )
    year_start = _school_year_start(school_year)
    for activity in spec.activities:
        actor = company.host if activity.by_host else school.teacher
        _activity(plan, activity, actor=actor, year_start=year_start, today=today)
    # Loaded in the summer's last weeks, the demo's year is the coming one: its 8th-grade
    # adoptions are next year's plans, not asked about 9th grade before their year runs.
    asked = services.renewal_asked(adoption)
    for actor, wants in ((school.teacher, spec.school_wants_renewal), (company.host, spec.company_wants_renewal)):
        if wants is not None and asked:
            adoption = services.renewal_answer(actor=actor, adoption=adoption, wants=wants)
    if adoption.renewal_confirmed:
        next_year_class(school_class)
    return adoption


def _activity(
    plan: AnnualPlan, spec: ActivitySpec, *, actor: User, year_start: dt.date, today: dt.date
) -> PlanActivity:
    """The activity as the plan holds it now, written the way it got there: a done one was
    planned weeks before its day and marked done after it; a booked one was booked."""
    fields = {
        "actor": actor,
        "plan": plan,
        "title": spec.title,
        "kind": spec.kind,
        "learning_goals": [LearningGoal.objects.get(subject_code=code, area_da=area) for code, area in spec.goals],
        "preparation": spec.preparation,
        "description": spec.description,
        "follow_up": spec.follow_up,
    }
    if spec.status == DONE:
        day = _done_day(spec.done_share, year_start=year_start, today=today)
        starts_at = at(day, "09:00")
        ends_at = starts_at + dt.timedelta(hours=5 if spec.kind == INTERNSHIP else 3)
        activity = services.activity_create(**fields, status=PLANNED, starts_at=starts_at, ends_at=ends_at)
        activity = services.activity_set_status(actor=actor, activity=activity, status=DONE)
        added, done = activity.changes.order_by("id")
        _backdate(added, starts_at - dt.timedelta(weeks=3))
        _backdate(done, ends_at)
        return activity
    month = _month_ahead(today, spec.months_ahead) if spec.months_ahead is not None else None
    activity = services.activity_create(
        **fields, status=PLANNED if spec.status == PLANNED else IDEA, planned_month=month
    )
    if spec.status == BOOKED:
        starts_at = _free_morning(plan.adoption.school_class, today + dt.timedelta(weeks=spec.weeks_ahead))
        services.activity_book(
            actor=actor, activity=activity, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
        )
        activity.refresh_from_db()
    return activity


def _backdate(change: PlanChange, when: dt.datetime) -> None:
    """Move a history entry back to when it would have been written (the services stamp now)."""
    PlanChange.objects.filter(pk=change.pk).update(at=when)


def _free_morning(school_class: SchoolClass, day: dt.date) -> dt.datetime:
    """09:00 on the first school day from `day` on which the class has no booking."""
    while True:
        if day.weekday() < 5 and not holiday_name(day):
            busy = Booking.objects.filter(
                school_class=school_class,
                status__in=Booking.HOLDING_PLACE,
                slot__start__lt=at(day + dt.timedelta(days=1), "00:00"),
                slot__end__gt=at(day, "00:00"),
            )
            if not busy.exists():
                return at(day, "09:00")
        day += dt.timedelta(days=1)


def _next_years_eighth_grades(
    schools: dict[str, DemoSchool], *, school_year: int
) -> dict[tuple[str, str], SchoolClass]:
    """Each folkeskole's 7th grades one school year on, by (school key, class name)."""
    folkeskoler = {spec.key for spec in SCHOOLS if spec.kind == FOLK}
    return {
        (key, f"8{seventh.name[1:]}"): next_year_class(seventh)
        for key, school in schools.items()
        if key in folkeskoler
        for seventh in school.classes
        if seventh.grade == 7 and seventh.school_year == school_year
    }


def _choice(key: str, companies: dict[str, DemoCompany]) -> Company | Sector:
    return companies[key].company if key in companies else Sector.objects.get(code=key)


def _school_year_start(school_year: int) -> dt.date:
    """The first school day after the summer holiday (about 10 August)."""
    day = dt.date(school_year, 8, 10)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


def _done_day(share: float, *, year_start: dt.date, today: dt.date) -> dt.date:
    """The school day `share` of the way from the school year's start to yesterday; early in
    the school year (or before it) simply some weeks back."""
    start = year_start if (today - year_start).days >= 21 else today - dt.timedelta(weeks=12)
    day = start + dt.timedelta(days=int(share * ((today - start).days - 1)))
    while day.weekday() >= 5 or holiday_name(day):
        day -= dt.timedelta(days=1)
    return day


def _month_ahead(today: dt.date, months: int) -> dt.date:
    month = today.month - 1 + months
    return dt.date(today.year + month // 12, month % 12 + 1, 1)
