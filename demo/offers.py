"""Demo offers of every kind and their slots: single dates, weekly and monthly series and a
teacher-visit week. Written through bookings' services, as the company's host. Open days are
not offers any more: demo.opendays makes them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bookings import services
from bookings.models import Offer
from companies.models import RoleModel
from demo.companies import DemoCompany
from demo.dates import FR, MO, TH, TU, WE, at, first_school_day, school_day, teacher_week


@dataclass(frozen=True)
class OfferSpec:
    company: str
    kind: str
    title: str
    description: str
    subjects: tuple[str, ...]
    grades: tuple[int, int]
    duration: int
    key: str = ""
    classes: int = 1
    pupils: int = 30
    auto_confirm: bool = False
    waitlist: bool = True
    published: bool = True
    location: str = ""
    meeting_point: str = ""
    notes: str = ""
    singles: tuple[tuple[int, int, str], ...] = ()  # weeks ahead, weekday, start time
    series: str = ""  # an RFC 5545 rule, starting `series_from` (weeks ahead, start time)
    series_from: tuple[int, str] = (1, "09:00")
    in_teacher_week: int | None = None  # weekday in the teacher-visit week
    demand: tuple[int, ...] = ()  # classes that book the offer's first slots, in order


COMPANY_VISIT = Offer.Kind.COMPANY_VISIT
EXPERT_VISIT = Offer.Kind.EXPERT_VISIT
TEACHER_VISIT = Offer.Kind.TEACHER_VISIT

AT_SCHOOL = "Hos klassen på skolen"
PHOTO_NOTE = "Vi tager gerne billeder til vores nyhedsbrev — giv besked ved booking, hvis en elev ikke må fotograferes."
TEACHER_VISIT_NOTES = "Forplejning hele dagen. Giv besked om allergier og madhensyn ved tilmelding."

OFFERS = (
    # Nordvind Service: full and waitlisted slots, an expert visit awaiting the host.
    OfferSpec(
        "nordvind", COMPANY_VISIT, "Bag om vindmøllen: en dag med serviceteknikerne",
        "Klassen følger et servicehold på basen: hvordan en havvindmølle overvåges fra land, hvordan "
        "teknikerne kommer sikkert ud, og hvorfor strømmen fra vinden varierer. Eleverne regner på "
        "vindhastighed og effekt og prøver klatreudstyret i vores træningshal.",
        ("physics-chemistry", "math", "engineering"), (7, 10), 180, key="vindmoelle",
        pupils=28, auto_confirm=True,
        meeting_point="Receptionen i servicebygningen — følg skiltene 'Besøgende'",
        notes="Lukket fodtøj; sikkerhedsfodtøj og hjelm udlånes. Ingen adgang til kajkanten uden følge. "
        "Medbring madpakke — vi byder på frugt og saftevand. " + PHOTO_NOTE,
        series="FREQ=WEEKLY;BYDAY=TU;COUNT=10", series_from=(1, "09:00"), demand=(1, 2, 0, 1, 3, 0, 1),
    ),
    OfferSpec(
        "nordvind", EXPERT_VISIT, "Vindmølletekniker på besøg: strøm fra vind",
        "En vindmølletekniker og en elektrikerlærling kommer ud på skolen med en model af en mølle, "
        "måleudstyr og billeder fra toppen af en havvindmølle. Eleverne måler spænding og effekt og "
        "hører, hvordan man bliver tekniker.",
        ("physics-chemistry", "science-technology"), (7, 9), 90, key="vindmoelle-ekspert",
        waitlist=False, location=AT_SCHOOL, notes="Klassen skal have et lokale med stikkontakter og projektor.",
        singles=((2, WE, "10:00"), (4, MO, "10:00"), (6, TH, "12:00")), demand=(1, 0, 0),
    ),
    # Thy Biogas & Varme
    OfferSpec(
        "thy-biogas", COMPANY_VISIT, "Fra gylle til grøn gas",
        "Hvordan bliver gylle til gas, varme og gødning? Klassen ser reaktortankene og kontrolrummet, "
        "tager prøver og regner på, hvor mange huse anlægget varmer op.",
        ("physics-chemistry", "biology", "math"), (7, 9), 120, classes=2, pupils=56, auto_confirm=True,
        meeting_point="Besøgscentret ved porten",
        notes="Gummistøvler eller gamle sko — det lugter på anlægget! Hjelm og vest udlånes. "
        "Elever med astma: kontakt os før besøget.",
        series="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=5", series_from=(1, "09:30"), demand=(2, 0, 3),
    ),
    OfferSpec(
        "thy-biogas", TEACHER_VISIT, "Lærere i praktik: bioenergi og data i kontrolrummet",
        "En formiddag for lærere i fysik/kemi, biologi og matematik: følg en procesoperatør, se hvilke "
        "data anlægget styres efter, og tag idéer med hjem til et forløb om energi.",
        ("physics-chemistry", "biology", "math"), (7, 13), 240, key="laererpraktik-biogas", classes=4, pupils=8,
        notes=TEACHER_VISIT_NOTES, in_teacher_week=MO,
    ),
    # Solgården Power-to-X
    OfferSpec(
        "solgaarden", COMPANY_VISIT, "Grøn brint: fra sollys til brændstof",
        "Eleverne går gennem solcelleparken og ind i elektrolysehallen, hvor vand bliver til brint. Vi "
        "laver forsøg med en lille brændselscelle og taler om, hvorfor power-to-X er vigtigt for klimaet.",
        ("physics-chemistry", "engineering"), (8, 13), 150,
        notes="Lukket fodtøj og tøj efter vejret — en del af besøget foregår udendørs. " + PHOTO_NOTE,
        singles=((3, MO, "10:00"), (5, TH, "10:00"), (9, TU, "10:00")), demand=(0, 1),
    ),
    # Skagen Skibsværft
    OfferSpec(
        "skagen-vaerft", COMPANY_VISIT, "Værftet indefra: svejsning, stål og skibe i dok",
        "Klassen ser et skib i tørdok, prøver en svejsesimulator og hører lærlinge fortælle om vejen fra "
        "9. klasse til skibsmontør. Vi regner på opdrift og stabilitet ved modeltanken.",
        ("physics-chemistry", "math", "craft-design"), (8, 10), 150, key="skagen-vaerft", pupils=28,
        meeting_point="Værftets hovedindgang ved Vestre Strandvej",
        notes="Lukket fodtøj med skridsikre såler. Høreværn, sikkerhedsbriller og hjelm udlånes. Elever må "
        "ikke fotografere i dokken af hensyn til kunderne.",
        singles=((2, WE, "09:00"), (6, WE, "09:00"), (10, FR, "09:00")), demand=(1, 2, 0),
    ),
    OfferSpec(
        "skagen-vaerft", EXPERT_VISIT, "Fra skibsassistent til skibsfører",
        "En maskinmester og en lærling fortæller om livet til søs og på værftet. (Kladde — dato og "
        "indhold aftales med Den Maritime Lærlingeordning.)",
        ("geography", "physics-chemistry"), (8, 10), 90, location=AT_SCHOOL, published=False,
    ),
    # Læsø Færge- og Havneservice
    OfferSpec(
        "laesoe-havn", COMPANY_VISIT, "En dag på havnen: fortøjning, færger og vejret",
        "Eleverne er med, når færgen lægger til, lærer at slå knob og læser vejrkort som en skibsassistent. "
        "Vi taler om tidevand, vind og sikkerhed til søs.",
        ("geography", "physics-chemistry"), (7, 9), 120, pupils=24, waitlist=False,
        meeting_point="Havnekontoret i Vesterø Havn",
        notes="Redningsveste udlånes og skal bæres på kajen. Tøj efter vejret — vi er mest udenfor.",
        singles=((3, TU, "10:00"), (8, TU, "10:00")), demand=(1, 0),
    ),
    # Nordkystens Maritime Elektronik
    OfferSpec(
        "nordkysten", EXPERT_VISIT, "Satellitter, radar og GPS: sådan finder skibe vej",
        "En elektronikfagtekniker viser, hvordan radar og satellitnavigation virker, og eleverne "
        "programmerer en lille GPS-modtager til at finde vej rundt om skolen.",
        ("physics-chemistry", "geography", "math"), (7, 13), 90, auto_confirm=True, location=AT_SCHOOL,
        notes="Vi medbringer udstyret; klassen skal have et lokale med stikkontakter og projektor.",
        series="FREQ=WEEKLY;BYDAY=TH;COUNT=8", series_from=(2, "10:00"), demand=(1, 0, 0, 1),
    ),
    # Vesthimmerlands Andelsmejeri
    OfferSpec(
        "mejeri", COMPANY_VISIT, "Fra ko til ost: mejeriet som laboratorium",
        "Klassen følger mælken fra tankbilen til osten, måler fedt og protein i laboratoriet og taler med "
        "en mejerist og en lærling om uddannelserne.",
        ("biology", "physics-chemistry"), (7, 9), 120, classes=2, pupils=50, auto_confirm=True,
        meeting_point="Besøgsindgangen ved mejeributikken",
        notes="Hårnet og kittel udlånes; smykker af. Giv besked om mælkeallergi — smagsprøverne kan "
        "erstattes. Ingen adgang ved maveinfektion inden for 48 timer.",
        series="FREQ=WEEKLY;BYDAY=MO;COUNT=8", series_from=(1, "09:00"), demand=(2, 1, 0, 0, 1),
    ),
    OfferSpec(
        "mejeri", TEACHER_VISIT, "Lærerbesøg: fødevaresikkerhed og procesteknik",
        "En formiddag i produktionen og laboratoriet for lærere i biologi og fysik/kemi, med idéer til "
        "undervisning i mikrobiologi og hygiejne.",
        ("biology", "physics-chemistry"), (7, 13), 240, classes=4, pupils=8,
        notes=TEACHER_VISIT_NOTES, in_teacher_week=TU,
    ),
    # Limfjordens Skaldyr
    OfferSpec(
        "skaldyr", COMPANY_VISIT, "Muslinger, østers og Limfjordens vandmiljø",
        "Vi sejler ud til muslingelinerne, tager vandprøver og undersøger dyrene i laboratoriet. Eleverne "
        "lærer, hvorfor muslinger renser vandet, og hvad iltsvind betyder for fjorden.",
        ("biology", "geography"), (7, 13), 150, pupils=28,
        meeting_point="Kajen ved Limfjordens Skaldyr, Havnen 12",
        notes="Gummistøvler og varmt tøj. Redningsveste udlånes. Elever med skaldyrsallergi skal ikke smage, "
        "men rører ved dyrene — giv besked.",
        singles=((2, TH, "09:00"), (4, TH, "09:00"), (11, TH, "09:00")), demand=(1,),
    ),
    # Rold Skov Mosteri
    OfferSpec(
        "mosteri", COMPANY_VISIT, "Gæring og smag: mosteriets kemi",
        "Hvad sker der, når frugt bliver til most og sodavand? Eleverne måler sukker og syre, laver "
        "smagstest og designer deres egen alkoholfri drik.",
        ("physics-chemistry", "biology"), (8, 13), 120, waitlist=False,
        notes="Vi laver kun alkoholfri drikke med eleverne. Lukket fodtøj; hårnet udlånes. "
        "Oplys allergier (æble, gluten) ved booking.",
        singles=((3, WE, "10:00"), (7, WE, "10:00")), demand=(1, 0),
    ),
    # Blokhus Klitoplevelser
    OfferSpec(
        "klitoplevelser", COMPANY_VISIT, "Oplevelsesøkonomi: design en tur for turister",
        "Eleverne analyserer data om turisterne i Jammerbugt og designer en naturoplevelse, som de "
        "præsenterer for vores oplevelsesdesignere.",
        ("math", "geography", "technology-understanding"), (8, 10), 180, auto_confirm=True,
        notes="Tøj efter vejret — vi går en tur i klitterne. " + PHOTO_NOTE,
        singles=((4, FR, "09:00"), (9, FR, "09:00")), demand=(1,),
    ),
    OfferSpec(
        "klitoplevelser", EXPERT_VISIT, "Sandflugt og klitter: naturvejlederen kommer på besøg",
        "En naturvejleder fortæller om klitternes dyr og planter og om, hvordan kysten flytter sig. "
        "(Kladde — venter på godkendelse af materialerne.)",
        ("geography", "biology"), (7, 9), 90, location=AT_SCHOOL, published=False,
        singles=((6, TU, "10:00"),),
    ),
    # Mariager Fjord Oplevelser
    OfferSpec(
        "mariager-fjord", COMPANY_VISIT, "Fjordens sundhed: vandprøver fra broen og i laboratoriet",
        "Eleverne måler ilt, temperatur og saltholdighed fra badebroen og sammenligner med kommunens "
        "målinger fra de sidste ti år.",
        ("biology", "geography", "math"), (7, 13), 180, pupils=24,
        meeting_point="Turistbåden ved Mariager Havn",
        notes="Varmt tøj, hue og vanter — vi står på broen i cirka en time. Redningsveste udlånes. "
        "Billeder deles kun efter aftale med læreren.",
        singles=((5, MO, "09:00"), (10, MO, "09:00")), demand=(1, 0),
    ),
    # MedTech Nord
    OfferSpec(
        "medtech-nord", COMPANY_VISIT, "Robotter der genoptræner: sundhedsteknologi i praksis",
        "Klassen prøver vores genoptræningsrobotter, måler muskelaktivitet med sensorer og møder "
        "ingeniører og en fysioterapeut, der udvikler dem sammen.",
        ("biology", "engineering", "technology-understanding"), (8, 13), 120, key="medtech", pupils=30,
        meeting_point="Receptionen i NOVI-bygningen, Niels Jernes Vej 10",
        notes="Ingen særlige krav til påklædning. " + PHOTO_NOTE,
        series="FREQ=WEEKLY;BYDAY=WE;COUNT=8", series_from=(2, "12:30"), demand=(1, 1, 0, 2),
    ),
    # Himmerland Sundhedsteknik
    OfferSpec(
        "himmerland-sundhed", EXPERT_VISIT, "Lyd, øret og høreapparater",
        "En audiolog viser, hvordan øret opfatter lyd, og klassen måler støj i skolegården og på "
        "musikanlægget. Hvor meget larm tåler ørerne, og hvordan virker et høreapparat?",
        ("physics-chemistry", "biology"), (7, 9), 90, auto_confirm=True, waitlist=False, location=AT_SCHOOL,
        singles=((2, MO, "10:00"), (3, TH, "10:00"), (5, TU, "10:00"), (8, MO, "12:00")), demand=(0, 1),
    ),
    # Nordlys Software: the `vaert` login; requests to confirm.
    OfferSpec(
        "nordlys", COMPANY_VISIT, "Fra idé til app: en dag hos softwareudviklerne",
        "Klassen arbejder som et udviklingsteam: fra brugerinterview over skitser til en prototype, der "
        "testes af rigtige udviklere. Studentermedhjælpere fortæller om vejen fra gymnasiet til IT-studiet.",
        ("technology-understanding", "informatics", "math"), (8, 13), 180, key="nordlys-besog", pupils=30,
        meeting_point="Receptionen på 2. sal — spørg efter Søren",
        notes="Eleverne må gerne medbringe egen computer, men det er ikke nødvendigt. Vi byder på frokost; "
        "skriv allergier og madhensyn i beskeden. " + PHOTO_NOTE,
        series="FREQ=WEEKLY;BYDAY=TH;COUNT=10", series_from=(1, "09:00"), demand=(1, 0, 0, 1, 0, 1),
    ),
    OfferSpec(
        "nordlys", EXPERT_VISIT, "Studentermedhjælpere fortæller: sådan er det at læse IT",
        "To studentermedhjælpere på din egen alder plus fem år fortæller om gymnasievalg, studieliv og "
        "deres job hos Nordlys — og laver en lille kodeopgave med klassen.",
        ("informatics", "technology-understanding"), (9, 13), 90, auto_confirm=True, waitlist=False,
        location=AT_SCHOOL, singles=((2, TU, "11:00"), (5, FR, "10:00"), (9, WE, "10:00")), demand=(0, 1),
    ),
    # Agrisens IoT
    OfferSpec(
        "agrisens", EXPERT_VISIT, "Sensorer på marken: programmér din egen jordfugtmåler",
        "Vi kommer ud med micro:bits og jordsensorer. Eleverne programmerer en måler, tester den i "
        "skolegården og ser, hvordan landmænd bruger data til at vande mindre.",
        ("technology-understanding", "math", "biology"), (7, 9), 135, pupils=28, location=AT_SCHOOL,
        notes="Vi medbringer alt udstyr. Klassen skal have adgang til et bed eller en græsplæne.",
        series="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4", series_from=(2, "09:00"), demand=(1,),
    ),
    # Vendsyssel IT-sikkerhed
    OfferSpec(
        "vendsyssel-it", COMPANY_VISIT, "Hackerangreb på skemaet: IT-sikkerhed for begyndere",
        "Eleverne prøver at knække svage kodeord på en testmaskine, afslører phishingmails og lærer, "
        "hvordan en IT-sikkerhedsanalytiker arbejder.",
        ("informatics", "technology-understanding", "math"), (8, 13), 120, key="it-sikkerhed",
        auto_confirm=True, notes="Telefoner må gerne medbringes. " + PHOTO_NOTE,
        singles=((3, TH, "12:00"), (6, MO, "09:00"), (8, WE, "09:00")), demand=(1, 2, 0),
    ),
    OfferSpec(
        "vendsyssel-it", TEACHER_VISIT, "Lærerbesøg: sådan taler I om IT-sikkerhed med eleverne",
        "En formiddag med vores analytikere: aktuelle trusler, øvelser I kan bruge i teknologiforståelse, "
        "og en snak om, hvordan eleverne bliver trygge og kritiske brugere.",
        ("technology-understanding", "informatics"), (7, 13), 240, key="laererpraktik-it", classes=6, pupils=12,
        notes=TEACHER_VISIT_NOTES, in_teacher_week=WE,
    ),
    # Thygesen & Søn Byg
    OfferSpec(
        "thygesen", COMPANY_VISIT, "Byggepladsen som klasseværelse",
        "Klassen besøger en igangværende byggeplads, måler op, regner på materialer og prøver værktøjet "
        "sammen med lærlinge. Vi taler om vejen fra grundforløb til svend.",
        ("math", "craft-design"), (7, 10), 150, pupils=28,
        location="Aktuel byggeplads i Thisted — adressen sendes en uge før besøget",
        meeting_point="Byggepladsskuret ved indkørslen",
        notes="Sikkerhedssko er et krav — vi kan låne 30 par ud; oplys skostørrelser ved booking. Hjelm og "
        "synlighedsvest udlånes. Ingen billeder af håndværkerne uden aftale.",
        singles=((2, TU, "08:30"), (4, TU, "08:30"), (9, TU, "08:30")), demand=(1, 0, 1),
    ),
    # Himmerlands Betonelementer
    OfferSpec(
        "beton", COMPANY_VISIT, "Beton, robotter og matematik",
        "Eleverne ser robotterne binde armering, støber deres egne prøveklodser og tester i laboratoriet, "
        "hvor meget de kan holde.",
        ("math", "physics-chemistry", "engineering"), (7, 9), 120, classes=2, pupils=56, auto_confirm=True,
        notes="Lukket fodtøj; sikkerhedsbriller, hjelm og høreværn udlånes. Fabrikken er støjende.",
        series="FREQ=WEEKLY;BYDAY=FR;COUNT=6", series_from=(2, "09:00"), demand=(2, 0, 1),
    ),
    # Limfjords El & Energi
    OfferSpec(
        "limfjords-el", EXPERT_VISIT, "Elektrikerlærlinge på besøg: strøm, solceller og ladestandere",
        "To lærlinge tager en solcelle og en ladestander med ud på skolen. Klassen bygger kredsløb, måler "
        "effekt og hører om EUX og livet som lærling.",
        ("physics-chemistry", "engineering"), (7, 10), 90, auto_confirm=True, location=AT_SCHOOL,
        singles=((2, MO, "12:00"), (4, WE, "10:00"), (7, FR, "10:00")), demand=(0, 1),
    ),
    OfferSpec(
        "limfjords-el", TEACHER_VISIT, "Lærerbesøg: fra grundforløb til svend",
        "Følg en lærling en formiddag og få et billede af erhvervsuddannelserne, som du kan give videre "
        "til elever i udskolingen.",
        ("physics-chemistry", "craft-design"), (7, 10), 240, classes=4, pupils=6,
        notes=TEACHER_VISIT_NOTES, in_teacher_week=TH,
    ),
    # Hirtshals Transportcenter
    OfferSpec(
        "hirtshals-transport", COMPANY_VISIT, "Fra færge til fisk på bordet: logistik i Hirtshals",
        "Klassen følger en lastbil fra færgen til fiskeauktionen og planlægger selv ruter med vores "
        "disponenter. Hvordan sparer man kilometer, tid og CO₂?",
        ("math", "geography"), (7, 13), 150,
        meeting_point="Terminalbygningen, Nordhavnsvej 20",
        notes="Synlighedsveste udlånes og skal bæres på terminalområdet. " + PHOTO_NOTE,
        singles=((3, FR, "09:00"), (6, TH, "09:00"), (10, TH, "09:00")), demand=(1,),
    ),
    # NordLager
    OfferSpec(
        "nordlager", COMPANY_VISIT, "Robotlageret: logistik, matematik og automatik",
        "Eleverne ser de selvkørende robotter plukke varer, regner på rækkefølgen og prøver at programmere "
        "en robot til at finde den korteste vej.",
        ("math", "technology-understanding", "engineering"), (7, 13), 120, key="robotlager", classes=2,
        pupils=60, auto_confirm=True,
        meeting_point="Besøgsindgangen ved port 3",
        notes="Lukket fodtøj. Robotområdet er indhegnet — eleverne følger den gule gangsti.",
        series="FREQ=MONTHLY;BYDAY=1TU;COUNT=3", series_from=(1, "09:00"), demand=(2, 3, 1),
    ),
)  # fmt: skip


def offers_create(
    *, companies: dict[str, DemoCompany], rng: random.Random, today: dt.date
) -> list[tuple[OfferSpec, Offer]]:
    """Every offer of OFFERS, then every offer's slots, with role models drawn for each slot."""
    offers = [(spec, _offer(spec, companies[spec.company])) for spec in OFFERS]
    for spec, offer in offers:
        _slots(spec, offer, companies[spec.company], rng=rng, today=today)
    return offers


def _offer(spec: OfferSpec, company: DemoCompany) -> Offer:
    return services.offer_create(
        actor=company.host,
        subjects=list(spec.subjects),
        sectors=[company.company.sector_id],
        company=company.company,
        kind=spec.kind,
        title=spec.title,
        description=spec.description,
        grade_min=spec.grades[0],
        grade_max=spec.grades[1],
        location=spec.location,
        meeting_point=spec.meeting_point,
        practical_notes=spec.notes,
        duration_minutes=spec.duration,
        default_capacity_classes=spec.classes,
        default_capacity_pupils=spec.pupils,
        auto_confirm=spec.auto_confirm,
        waitlist_enabled=spec.waitlist,
        contact=company.company.members.get(),
        is_published=spec.published,
    )


def _slots(spec: OfferSpec, offer: Offer, company: DemoCompany, *, rng: random.Random, today: dt.date) -> None:
    days: set[dt.date] = set()
    starts = []
    for weeks, weekday, time in spec.singles:
        day = school_day(today, weeks, weekday, taken=days)
        days.add(day)
        starts.append(at(day, time))
    if spec.in_teacher_week is not None:
        starts.append(at(teacher_week(today) + dt.timedelta(days=spec.in_teacher_week), "08:30"))
    for start in starts:
        services.slot_create(
            actor=company.host, offer=offer, start=start, role_models=_some_role_models(spec, company, rng)
        )
    if spec.series:
        weeks, time = spec.series_from
        start = at(first_school_day(today + dt.timedelta(weeks=weeks)), time)
        series = services.slot_series_create(
            actor=company.host,
            offer=offer,
            start=start,
            end=start + dt.timedelta(minutes=spec.duration),
            rrule=spec.series,
        )
        for slot in series.slots.order_by("start"):
            services.slot_update(slot=slot, actor=company.host, role_models=_some_role_models(spec, company, rng))


def _some_role_models(spec: OfferSpec, company: DemoCompany, rng: random.Random) -> list[RoleModel]:
    """One or two of the company's role models; teachers visiting meet the staff at large."""
    if spec.kind == TEACHER_VISIT:
        return []
    available = company.role_models
    return rng.sample(available, rng.randint(1, min(2, len(available))))
