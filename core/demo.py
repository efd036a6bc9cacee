"""A believable North Jutland demo for `manage.py load_demo` (and so for `make run`).

Companies, schools, users, classes and role models are plain rows; offers, slots and bookings
go through `bookings.services`, so slot capacity counters are exactly what real use would
leave behind. The data is fixed and every random choice comes from one seeded generator, so a
fresh database always gets the same demo. Dates move with today: the slots lie in the coming
three months, on school days between 8:00 and 15:00 Copenhagen time, never on a holiday.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from bookings import services
from bookings.models import Booking, Offer, Slot
from companies.models import Company, CompanyMember, RoleModel
from core.dates import holiday_name, school_year_of
from core.models import Cluster, Municipality
from schools.models import School, SchoolClass, Teacher

DEMO_PASSWORD = "brobyg-demo"
DEMO_SEED = 2026

MO, TU, WE, TH, FR = range(5)


class DemoError(Exception):
    """The demo cannot be loaded into this database."""


# People ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """A demo login the README and the command's output point people to."""

    username: str
    first_name: str
    last_name: str
    role: str


ADMIN = Login("admin", "Birgitte", "Nørgaard", "Administrator (superuser)")
CONSULTANT = Login("konsulent", "Mette", "Kjærgaard", "Matchkonsulent")
TEACHER = Login("laerer", "Louise", "Bækgaard", "Lærer, Vestbjerg Skole")
TEACHER2 = Login("laerer2", "Jesper", "Søndergaard", "Lærer, Fladstrand Skole")
HOST = Login("vaert", "Søren", "Østergaard", "Vært, Nordlys Software A/S")
HOST2 = Login("vaert2", "Camilla", "Bøgh", "Vært (administrator), Nordvind Service A/S")
DEMO_LOGINS = (ADMIN, CONSULTANT, TEACHER, TEACHER2, HOST, HOST2)

FIRST_NAMES = (
    "Freja", "Mathias", "Ida", "Magnus", "Sofie", "Emil", "Line", "Rasmus", "Maja", "Jonas",
    "Astrid", "Frederik", "Signe", "Mads", "Cecilie", "Kirsten", "Bjørn", "Trine", "Anders",
    "Nanna", "Kasper", "Malene", "Thøger", "Katrine", "Laurids", "Tove", "Asger", "Helle",
    "Esben", "Åse", "Jens", "Rikke", "Thor", "Sanne", "Mikkel", "Gry", "Søs", "Jørn", "Lærke",
    "Ditte",
)  # fmt: skip
LAST_NAMES = (
    "Sørensen", "Kjær", "Nørgaard", "Mølgaard", "Thomsen", "Larsen", "Kristensen", "Jørgensen",
    "Pedersen", "Madsen", "Dahl", "Holm", "Vestergaard", "Brøndum", "Højgaard", "Lund", "Skov",
    "Krogh", "Klitgaard", "Hjorth", "Møller", "Damgaard", "Tønnesen", "Aagaard", "Bæk",
    "Søgaard", "Lykke", "Fjordbæk", "Østerby", "Rævdal",
)  # fmt: skip

BOOKING_MESSAGES = (
    "",
    "",
    "Vi glæder os! To elever har glutenallergi.",
    "Klassen har arbejdet med energi i fysik/kemi og har spørgsmål med.",
    "Vi kommer med bus og er der ca. 10 minutter før.",
    "En elev bruger kørestol — er der elevator?",
    "Alle må fotograferes, undtagen to elever, som vi peger ud ved ankomst.",
    "Vi er to lærere og en pædagog med.",
)


# Companies ---------------------------------------------------------------------------------

# Approximate town centres; a company or school is placed a few hundred metres from them.
TOWNS = {
    "Aalborg": (57.048, 9.919),
    "Aalborg Øst": (57.035, 10.005),
    "Aalborg SV": (57.012, 9.885),
    "Nørresundby": (57.063, 9.925),
    "Vestbjerg": (57.128, 9.958),
    "Brønderslev": (57.270, 9.941),
    "Frederikshavn": (57.441, 10.537),
    "Skagen": (57.720, 10.583),
    "Hjørring": (57.464, 9.982),
    "Hirtshals": (57.588, 9.959),
    "Aabybro": (57.162, 9.731),
    "Blokhus": (57.250, 9.583),
    "Læsø": (57.252, 10.999),
    "Hobro": (56.638, 9.790),
    "Mariager": (56.649, 9.978),
    "Nykøbing M": (56.795, 8.862),
    "Støvring": (56.885, 9.838),
    "Skørping": (56.836, 9.893),
    "Thisted": (56.957, 8.694),
    "Aars": (56.803, 9.518),
}


@dataclass(frozen=True)
class CompanySpec:
    key: str
    name: str
    cvr: str  # fictional, but passes the CVR modulus-11 check
    sector: str
    municipality: int
    clusters: tuple[str, ...]
    address: str
    postcode: str
    city: str
    description: str
    role_models: tuple[tuple[str, str, bool], ...]  # job title, education path, young ambassador


COMPANIES = (
    CompanySpec(
        "nordvind", "Nordvind Service A/S", "25881397", "energy", 813, ("House of Energy",),
        "Søsportsvej 14", "9900", "Frederikshavn",
        "Servicerer havvindmøller i Kattegat og Skagerrak fra basen på Frederikshavn Havn. Teknikere, "
        "elektrikere og ingeniører arbejder i hold på skift, og virksomheden uddanner selv sine "
        "vindmølleteknikere.",
        (
            ("Vindmølletekniker", "Elektriker fra Tech College Aalborg, derefter GWO-kurser i sikkerhed og arbejde i højden.", False),
            ("Elektrikerlærling, 2. år", "9. klasse på Fladstrand Skole, grundforløb på EUC Nord, nu i lære med skoleophold i Aalborg.", True),
            ("Projektingeniør", "HTX i Frederikshavn, civilingeniør i energiteknik fra Aalborg Universitet.", False),
        ),
    ),
    CompanySpec(
        "thy-biogas", "Thy Biogas & Varme ApS", "96987978", "energy", 787, ("House of Energy",),
        "Ballerumvej 21", "7700", "Thisted",
        "Omdanner gylle og restprodukter fra landbruget i Thy til biogas, fjernvarme og gødning. "
        "Anlægget styres fra et kontrolrum med sensorer, dataanalyse og døgnvagt.",
        (
            ("Procesoperatør", "Landmand, derefter procesoperatør fra EUC Nordvest.", False),
            ("Studentermedhjælper, energiteknik", "STX på Thisted Gymnasium, læser energiteknik på AAU og arbejder 15 timer om ugen.", True),
        ),
    ),
    CompanySpec(
        "solgaarden", "Solgården Power-to-X A/S", "40911413", "energy", 810, ("House of Energy",),
        "Energivej 3", "9700", "Brønderslev",
        "Driver en solcellepark med et elektrolyseanlæg, der laver grøn brint af overskudsstrøm. "
        "Et af de første power-to-X-anlæg i Vendsyssel.",
        (
            ("Kemiingeniør", "STX i Brønderslev, kemiingeniør fra Aalborg Universitet.", False),
            ("Automatiklærling", "EUX efter 10. klasse, automatiktekniker-lærling hos Solgården.", True),
        ),
    ),
    CompanySpec(
        "skagen-vaerft", "Skagen Skibsværft ApS", "80753640", "maritime", 813, ("MARCOD",),
        "Vestre Strandvej 30", "9990", "Skagen",
        "Bygger om og reparerer fiskefartøjer og arbejdsbåde. Svejsere, skibsmontører og maskinmestre "
        "arbejder side om side i dokken.",
        (
            ("Skibsmontørlærling", "EUX efter 10. klasse, i lære gennem Den Maritime Lærlingeordning.", True),
            ("Maskinmester", "Smed, derefter maskinmester fra Aarhus Maskinmesterskole.", False),
            ("Svejser", "Grundforløb metal på EUC Nord, certificeret svejser.", False),
        ),
    ),
    CompanySpec(
        "laesoe-havn", "Læsø Færge- og Havneservice ApS", "98447296", "maritime", 825, ("MARCOD",),
        "Havnepladsen 1", "9940", "Læsø",
        "Står for fortøjning, bunkring og vedligehold af færgelejet i Vesterø Havn og uddanner "
        "skibsassistenter gennem Den Maritime Lærlingeordning.",
        (("Skibsassistentelev", "9. klasse fra Læsø Skole, skibsassistentuddannelsen på Skagen Skipperskole.", True),),
    ),
    CompanySpec(
        "nordkysten", "Nordkystens Maritime Elektronik A/S", "50557618", "maritime", 860, ("MARCOD",),
        "Nordsøvej 9", "9850", "Hirtshals",
        "Udvikler og installerer navigations- og kommunikationsudstyr til fiskeskibe og offshorefartøjer. "
        "Elektronikfagteknikere og softwareudviklere tester udstyret om bord.",
        (
            ("Elektronikfagtekniker", "Elektronikfagtekniker fra Tech College Aalborg, efteruddannelse i maritim elektronik.", False),
            ("Softwareudvikler", "HTX i Hjørring, software på Aalborg Universitet.", False),
        ),
    ),
    CompanySpec(
        "mejeri", "Vesthimmerlands Andelsmejeri a.m.b.a.", "79871680", "food", 820,
        ("Nordjysk FødevareErhverv",), "Mejerivej 2", "9600", "Aars",
        "Andelsmejeri ejet af 60 landmænd i Himmerland. Laver ost og skyr og følger mælkens kvalitet "
        "med sensorer fra gården til tanken.",
        (
            ("Mejerist", "Mejeristuddannelsen på Kold College, fire år med praktik på mejeriet.", False),
            ("Procesoperatørlærling", "Grundforløb på Tech College Aalborg, nu i lære og på skoleophold.", True),
            ("Fødevareingeniør", "STX i Aars, fødevareingeniør fra Aalborg Universitet i København.", False),
        ),
    ),
    CompanySpec(
        "skaldyr", "Limfjordens Skaldyr ApS", "86846977", "food", 773, ("Nordjysk FødevareErhverv",),
        "Havnen 12", "7900", "Nykøbing M",
        "Opdrætter blåmuslinger og østers på liner i Limfjorden og sender dem til restauranter i hele "
        "Europa. Biologer måler vandets kvalitet hver uge.",
        (
            ("Havbiolog", "Biologi på Aarhus Universitet, ph.d. i muslingeopdræt.", False),
            ("Fiskeriteknologelev", "HF på Morsø Gymnasium, fiskeriteknolog fra Thyborøn.", True),
        ),
    ),
    CompanySpec(
        "mosteri", "Rold Skov Mosteri ApS", "98093206", "food", 840, ("Nordjysk FødevareErhverv",),
        "Himmerlandsvej 12", "9520", "Skørping",
        "Lille mosteri, der laver most og sodavand af frugt fra egnen. Gæring, hygiejne og smagspaneler "
        "er hverdag, og alt til skoleklasser er alkoholfrit.",
        (("Laborant", "Laborant fra Erhvervsakademi Aarhus, ansvarlig for kvalitetskontrollen.", False),),
    ),
    CompanySpec(
        "klitoplevelser", "Blokhus Klitoplevelser ApS", "91967278", "tourism", 849, (),
        "Strandvejen 8", "9492", "Blokhus",
        "Oplevelsescenter, naturformidling og feriehusudlejning ved Vesterhavet. Oplevelsesdesignere, "
        "guider og bookingteamet bruger data om gæsternes ønsker til at planlægge sæsonen.",
        (
            ("Oplevelsesdesigner", "Oplevelsesøkonomi på Aalborg Universitet.", False),
            ("Studentermedhjælper, data og booking", "HHX i Hjørring, læser datalogi på Aalborg Universitet.", True),
        ),
    ),
    CompanySpec(
        "mariager-fjord", "Mariager Fjord Oplevelser ApS", "41778482", "tourism", 846, (),
        "Havnevej 3", "9550", "Mariager",
        "Sejlture, kajakudlejning og naturformidling på Mariager Fjord. Måler fjordens iltindhold sammen "
        "med kommunen og viser gæsterne resultaterne.",
        (
            ("Naturvejleder", "Biolog fra Aarhus Universitet, naturvejlederuddannelsen.", False),
            ("Turismeelev", "EUX Business på Mariagerfjord Gymnasium, nu elev i bookingafdelingen.", True),
        ),
    ),
    CompanySpec(
        "medtech-nord", "MedTech Nord ApS", "44400294", "healthtech", 851,
        ("Life Science Innovation North Denmark",), "Niels Jernes Vej 10", "9220", "Aalborg Øst",
        "Udvikler robotter og sensorer til genoptræning efter blodpropper i hjernen, i tæt samarbejde med "
        "fysioterapeuter på Aalborg Universitetshospital.",
        (
            ("Robotingeniør", "HTX på Aalborg Tekniske Gymnasium, robotteknologi på Aalborg Universitet.", False),
            ("Fysioterapeut og produktspecialist", "Fysioterapeut fra UCN, master i sundhedsteknologi.", False),
            ("Studentermedhjælper, test", "STX på Aalborg Katedralskole, læser medicin med industriel specialisering.", True),
        ),
    ),
    CompanySpec(
        "himmerland-sundhed", "Himmerland Sundhedsteknik A/S", "88768043", "healthtech", 840,
        ("Life Science Innovation North Denmark",), "Industrivej 18", "9530", "Støvring",
        "Producerer høreapparater og tilbehør og tester dem i eget lydlaboratorium. Ingeniører, "
        "audiologer og industriteknikere arbejder sammen fra idé til færdigt produkt.",
        (
            ("Audiolog", "Audiologiassistent, derefter audiologi på Syddansk Universitet.", False),
            ("Industriteknikerlærling", "Grundforløb på Tech College Aalborg, nu i lære hos Himmerland Sundhedsteknik.", True),
        ),
    ),
    CompanySpec(
        "nordlys", "Nordlys Software A/S", "67178475", "ict", 851, ("BrainBusiness",),
        "Strandvejen 12", "9000", "Aalborg",
        "Udvikler apps og fagsystemer til kommuner og regioner. 140 medarbejdere i Aalborg, heraf mange "
        "studentermedhjælpere fra Aalborg Universitet og UCN.",
        (
            ("Softwareudvikler", "HTX i Aalborg, datalogi på Aalborg Universitet.", False),
            ("Datateknikerlærling", "EUX data og kommunikation på Tech College Aalborg.", True),
            ("Studentermedhjælper, UX-design", "STX på Hjørring Gymnasium, læser interaktionsdesign på Aalborg Universitet.", True),
        ),
    ),
    CompanySpec(
        "agrisens", "Agrisens IoT ApS", "36714751", "ict", 849, ("BrainBusiness",),
        "Østergade 14", "9440", "Aabybro",
        "Laver trådløse sensorer, der måler jordfugt og næring på markerne i Jammerbugt og sender data "
        "direkte til landmandens telefon.",
        (
            ("Elektronikingeniør", "Elektronik og IT på Aalborg Universitet.", False),
            ("Studentermedhjælper, programmering", "HTX i Aalborg, læser software på Aalborg Universitet.", True),
        ),
    ),
    CompanySpec(
        "vendsyssel-it", "Vendsyssel IT-sikkerhed ApS", "23627019", "ict", 860, ("BrainBusiness",),
        "Springvandspladsen 3", "9800", "Hjørring",
        "Hjælper nordjyske virksomheder og kommuner med at beskytte sig mod hackerangreb: "
        "sårbarhedstest, overvågning og kurser for medarbejdere.",
        (
            ("IT-sikkerhedsanalytiker", "Datamatiker fra UCN, specialisering i IT-sikkerhed.", False),
            ("Datateknikerlærling, infrastruktur", "10. klasse i Hjørring, EUX på Tech College Aalborg.", True),
        ),
    ),
    CompanySpec(
        "thygesen", "Thygesen & Søn Byg A/S", "17981935", "construction", 787, (),
        "Industrivej 9", "7700", "Thisted",
        "Familieejet entreprenør med tømrere, murere og bygningskonstruktører. Bygger skoler, boliger og "
        "landbrugsbyggeri i Thy og på Mors og tager otte lærlinge hvert år.",
        (
            ("Tømrerlærling, 3. år", "10. klasse, grundforløb på EUC Nordvest, i lære hos Thygesen & Søn.", True),
            ("Bygningskonstruktør", "Tømrer, derefter bygningskonstruktør fra UCN.", False),
            ("Byggeleder", "Murer, bygningskonstruktør og nu byggeleder på skolebyggerier.", False),
        ),
    ),
    CompanySpec(
        "beton", "Himmerlands Betonelementer A/S", "41908459", "construction", 820, (),
        "Fabriksvej 5", "9600", "Aars",
        "Støber betonelementer til boliger og broer. Robotter binder armeringen, og laboratoriet tester "
        "betonens styrke, før elementerne kører ud.",
        (
            ("Laborant i betonlaboratoriet", "Laborant fra Erhvervsakademi Aarhus.", False),
            ("Automatiktekniker", "Automatiktekniker fra Tech College Aalborg.", False),
        ),
    ),
    CompanySpec(
        "limfjords-el", "Limfjords El & Energi A/S", "30599721", "construction", 851, (),
        "Sofiendalsvej 90", "9200", "Aalborg SV",
        "Elinstallatør med 90 ansatte: el i nybyggeri, solceller, ladestandere og intelligent styring af "
        "bygninger. Uddanner elektrikerlærlinge og EUX-elever.",
        (
            ("Elektrikerlærling, EUX", "EUX el på Tech College Aalborg, i lære hos Limfjords El.", True),
            ("Elinstallatør", "Elektriker, derefter installatør el fra UCN.", False),
        ),
    ),
    CompanySpec(
        "hirtshals-transport", "Hirtshals Transportcenter ApS", "51622944", "logistics", 860,
        ("SmartLOG", "MARCOD"), "Nordhavnsvej 20", "9850", "Hirtshals",
        "Samler fisk og gods fra færgerne til Norge og planlægger lastbilernes ruter gennem Europa. "
        "Disponenterne bruger data til at spare kilometer og CO₂.",
        (
            ("Disponent", "Chauffør, derefter logistikøkonom fra UCN.", False),
            ("Studentermedhjælper, ruteoptimering", "HTX i Hjørring, læser matematik-økonomi på Aalborg Universitet.", True),
        ),
    ),
    CompanySpec(
        "nordlager", "NordLager A/S", "96628366", "logistics", 851, ("SmartLOG",),
        "Lerumbakken 11", "9400", "Nørresundby",
        "Automatiseret lager for webshops med selvkørende robotter og scannersystemer. Lagerlogistikere "
        "og automatikteknikere holder varerne i gang døgnet rundt.",
        (
            ("Lagerlogistikerlærling", "Grundforløb på Tech College Aalborg, nu i lære hos NordLager.", True),
            ("Automatiktekniker", "Automatiktekniker fra Tech College Aalborg, efteruddannelse i robotteknologi.", False),
            ("Logistikchef", "HHX, logistikøkonom fra UCN og diplom i ledelse.", False),
        ),
    ),
)  # fmt: skip

# The company whose presence means the demo is loaded.
MARKER_CVR = COMPANIES[0].cvr

# Company hosts that are demo logins; every other company gets a host with a generated name.
COMPANY_LOGINS = {
    "nordlys": (HOST, CompanyMember.Role.HOST, "HR- og talentansvarlig"),
    "nordvind": (HOST2, CompanyMember.Role.ADMIN, "Uddannelseskoordinator"),
}


# Schools -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpec:
    key: str
    name: str
    institution_number: str  # fictional
    kind: str
    municipality: int
    address: str
    postcode: str
    city: str
    parallels: int  # classes per grade


FOLK, GYM, EUD, TENTH = School.Kind.FOLKESKOLE, School.Kind.GYMNASIUM, School.Kind.VOCATIONAL, School.Kind.TENTH_GRADE

SCHOOLS = (
    SchoolSpec("vestbjerg", "Vestbjerg Skole", "851901", FOLK, 851, "Skolevej 4", "9380", "Vestbjerg", 2),
    SchoolSpec("skalborg", "Skalborg Skole", "851902", FOLK, 851, "Bjergmandsvej 6", "9200", "Aalborg SV", 3),
    SchoolSpec("loevvang", "Løvvangskolen", "851903", FOLK, 851, "Tingstedet 17", "9400", "Nørresundby", 2),
    SchoolSpec("katedral", "Aalborg Katedralskole", "851904", GYM, 851, "Saxogade 1", "9000", "Aalborg", 3),
    SchoolSpec("techcollege", "Tech College Aalborg, HTX", "851905", EUD, 851, "Struervej 70", "9220", "Aalborg Øst", 2),
    SchoolSpec("soendergaard", "Søndergårdsskolen", "810901", FOLK, 810, "Skolegade 12", "9700", "Brønderslev", 2),
    SchoolSpec("fladstrand", "Fladstrand Skole", "813901", FOLK, 813, "Fladstrandsvej 4", "9900", "Frederikshavn", 2),
    SchoolSpec("tiende", "10. Klassecenter Frederikshavn", "813902", TENTH, 813, "Hånbækvej 40", "9900", "Frederikshavn", 4),
    SchoolSpec("bagterp", "Bagterpskolen", "860901", FOLK, 860, "Bagterpvej 12", "9800", "Hjørring", 3),
    SchoolSpec("hjoerring-gym", "Hjørring Gymnasium", "860902", GYM, 860, "Gymnasievej 6", "9800", "Hjørring", 3),
    SchoolSpec("aabybro", "Aabybro Skole", "849901", FOLK, 849, "Skolegade 8", "9440", "Aabybro", 2),
    SchoolSpec("laesoe", "Læsø Skole", "825901", FOLK, 825, "Doktorvejen 2", "9940", "Læsø", 1),
    SchoolSpec("rosendal", "Rosendalskolen", "846901", FOLK, 846, "Rosendalsvej 2", "9500", "Hobro", 2),
    SchoolSpec("noerrebro", "Nørrebroskolen", "773901", FOLK, 773, "Nørrebro 21", "7900", "Nykøbing M", 2),
    SchoolSpec("stoevring", "Støvring Skole", "840901", FOLK, 840, "Hobrovej 31", "9530", "Støvring", 2),
    SchoolSpec("thisted-gym", "Thisted Gymnasium", "787901", GYM, 787, "Ringvej 32", "7700", "Thisted", 2),
    SchoolSpec("aars", "Aars Skole", "820901", FOLK, 820, "Himmerlandsgade 99", "9600", "Aars", 2),
)  # fmt: skip

SCHOOL_LOGINS = {"vestbjerg": TEACHER, "fladstrand": TEACHER2}


# Offers ------------------------------------------------------------------------------------


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
    on_open_day: bool = False
    in_teacher_week: int | None = None  # weekday in the teacher-visit week
    demand: tuple[int, ...] = ()  # classes that book the offer's first slots, in order


COMPANY_VISIT = Offer.Kind.COMPANY_VISIT
EXPERT_VISIT = Offer.Kind.EXPERT_VISIT
TEACHER_VISIT = Offer.Kind.TEACHER_VISIT
OPEN_DAY_HOST = Offer.Kind.OPEN_DAY_HOST
ADOPTION = Offer.Kind.ADOPTION_PROGRAMME

AT_SCHOOL = "Hos klassen på skolen"
PHOTO_NOTE = "Vi tager gerne billeder til vores nyhedsbrev — giv besked ved booking, hvis en elev ikke må fotograferes."
TEACHER_VISIT_NOTES = "Forplejning hele dagen. Giv besked om allergier og madhensyn ved tilmelding."

OFFERS = (
    # Nordvind Service: full and waitlisted slots, an expert visit awaiting the host, an open day.
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
    OfferSpec(
        "nordvind", OPEN_DAY_HOST, "Pigedag hos Nordvind: mød kvindelige ingeniører og teknikere",
        "Værtsplads på den nordjyske ingeniørdag for piger. Du møder ingeniører og teknikere, der er "
        "kvinder, bygger en minimølle og er med på en fjernovervågning af en rigtig vindmøllepark.",
        ("physics-chemistry", "engineering"), (7, 13), 300, pupils=15,
        notes="Frokost er inkluderet. Piger under 15 år skal have samtykke fra en forælder. " + PHOTO_NOTE,
        on_open_day=True,
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
        ("physics-chemistry", "biology", "math"), (7, 13), 240, classes=4, pupils=8,
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
    OfferSpec(
        "solgaarden", ADOPTION, "Klasseadoption: Solgården adopterer en energiklasse",
        "Solgården adopterer en 8. klasse og følger den ind i 9. klasse med op til 10 aktiviteter om året: "
        "besøg, eksperter i klassen og et fælles projekt om energi i lokalsamfundet. Aktiviteterne "
        "skrives ind i klassens årsplan sammen med læreren og matchkonsulenten. Første møde er et opstartsbesøg.",
        ("physics-chemistry", "math", "engineering"), (8, 9), 120, pupils=28, waitlist=False,
        singles=((4, WE, "09:00"),), demand=(1,),
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
    OfferSpec(
        "medtech-nord", OPEN_DAY_HOST, "Pigedag: byg din egen pulsmåler med kvindelige ingeniører",
        "Værtsplads på ingeniørdagen for piger: en dag med vores ingeniører, hvor du lodder og "
        "programmerer en pulsmåler og hører om vejen fra gymnasiet til sundhedsteknologi.",
        ("engineering", "biology"), (7, 13), 300, pupils=12,
        notes="Frokost er inkluderet. Piger under 15 år skal have samtykke fra en forælder.",
        on_open_day=True,
    ),
    # Himmerland Sundhedsteknik
    OfferSpec(
        "himmerland-sundhed", EXPERT_VISIT, "Lyd, øret og høreapparater",
        "En audiolog viser, hvordan øret opfatter lyd, og klassen måler støj i skolegården og på "
        "musikanlægget. Hvor meget larm tåler ørerne, og hvordan virker et høreapparat?",
        ("physics-chemistry", "biology"), (7, 9), 90, auto_confirm=True, waitlist=False, location=AT_SCHOOL,
        singles=((2, MO, "10:00"), (3, TH, "10:00"), (5, TU, "10:00"), (8, MO, "12:00")), demand=(0, 1),
    ),
    # Nordlys Software: the `vaert` login; requests to confirm and an adoption request.
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
    OfferSpec(
        "nordlys", ADOPTION, "Klasseadoption: Nordlys adopterer en 8. klasse",
        "Efter Ballerup-modellen adopterer Nordlys en 8. klasse og følger den ind i 9. klasse med op til 10 "
        "aktiviteter om året: besøg, eksperter i klassen og et fælles app-projekt. Læreren, Nordlys og "
        "matchkonsulenten skriver årsplanen sammen, så aktiviteterne passer til klassens læringsmål.",
        ("technology-understanding", "math"), (8, 9), 120, key="nordlys-adoption", pupils=28, waitlist=False,
        singles=((3, MO, "10:00"),),
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
        ("technology-understanding", "informatics"), (7, 13), 240, classes=6, pupils=12,
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
    OfferSpec(
        "thygesen", ADOPTION, "Klasseadoption: byg med Thygesen & Søn i 8. og 9. klasse",
        "Thygesen & Søn adopterer en 8. klasse i Thy eller på Mors: op til 10 aktiviteter om året på "
        "byggepladser og i klassen, med et fælles projekt om et nyt skur til skolegården.",
        ("math", "craft-design"), (8, 9), 120, pupils=28, waitlist=False,
        singles=((5, TH, "10:00"),), demand=(1,),
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
    OfferSpec(
        "hirtshals-transport", OPEN_DAY_HOST, "Pigedag i havnen: disponent for en dag",
        "Værtsplads på ingeniørdagen for piger: planlæg lastbilernes ruter med vores kvindelige "
        "disponenter og logistikingeniører.",
        ("math", "geography"), (7, 13), 300, pupils=10,
        notes="Frokost er inkluderet. Piger under 15 år skal have samtykke fra en forælder.",
        on_open_day=True,
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


@dataclass(frozen=True)
class DemoBooking:
    """A booking for one of the demo teachers' classes, made after the other bookings."""

    username: str
    class_name: str
    offer: str
    slot_index: int
    confirm: bool = False  # the host confirms it (on offers without automatic confirmation)
    message: str = ""


DEMO_BOOKINGS = (
    DemoBooking("laerer", "8.A", "nordlys-besog", 1, confirm=True, message="Vi glæder os! To elever er vegetarer."),
    DemoBooking("laerer", "9.A", "nordlys-besog", 2, message="Klassen har arbejdet med apps i teknologiforståelse."),
    DemoBooking("laerer", "8.A", "nordlys-adoption", 0, message="8.A vil meget gerne adopteres — vi har tre piger, der drømmer om IT."),
    DemoBooking("laerer", "7.B", "vindmoelle", 1),  # the slot is full: waitlisted
    DemoBooking("laerer", "9.B", "robotlager", 2),
    DemoBooking("laerer", "9.B", "medtech", 2, message="Vi kommer med bus fra Vestbjerg."),
    DemoBooking("laerer2", "8.B", "vindmoelle", 2),  # takes the only place
    DemoBooking("laerer2", "9.A", "vindmoelle-ekspert", 1, message="Kan I komme kl. 10 efter frikvarteret?"),
    DemoBooking("laerer2", "8.A", "skagen-vaerft", 0),  # the slot is full: waitlisted
    DemoBooking("laerer2", "9.B", "it-sikkerhed", 2),
    DemoBooking("laerer2", "7.A", "vindmoelle-ekspert", 2, confirm=True),
)  # fmt: skip


# Loading -----------------------------------------------------------------------------------


def demo_is_loaded() -> bool:
    return Company.objects.filter(cvr=MARKER_CVR).exists()


def demo_load(*, seed: int = DEMO_SEED) -> dict[str, int] | None:
    """Load the demo in one transaction. Returns what the database now holds, or None if the
    demo was already loaded (nothing is written then)."""
    with transaction.atomic():
        if demo_is_loaded():
            return None
        _DemoLoader(rng=random.Random(seed), today=timezone.localdate()).load()
    return demo_counts()


def demo_counts() -> dict[str, int]:
    counts = {
        "companies": Company.objects.count(),
        "role models": RoleModel.objects.count(),
        "schools": School.objects.count(),
        "classes": SchoolClass.objects.count(),
        "users": User.objects.count(),
        "offers": Offer.objects.count(),
        "slots": Slot.objects.count(),
        "full slots": sum(slot.is_full for slot in Slot.objects.all()),
    }
    for status in Booking.Status:
        counts[f"bookings {status.value}"] = Booking.objects.filter(status=status).count()
    return counts


class _DemoLoader:
    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        # One hash for everyone: hashing is slow by design, and every demo user shares the password.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(self.names)
        self.companies: dict[str, Company] = {}
        self.hosts: dict[str, User] = {}  # by company key
        self.role_models: dict[str, list[RoleModel]] = {}
        self.schools: dict[str, School] = {}
        self.teachers: dict[int, User] = {}  # by school id
        self.classes: list[SchoolClass] = []
        self.offers: dict[str, Offer] = {}
        self.busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)  # by class id
        self.demo_teacher_bookings: set[int] = set()  # their status is set by DEMO_BOOKINGS

    def load(self) -> None:
        self._staff()
        self._companies()
        offer_specs = [(spec, self._offer(spec)) for spec in OFFERS]
        for spec, offer in offer_specs:
            self._slots(spec, offer)
        self._schools()
        for spec, offer in offer_specs:
            self._book_demand(spec, offer)
        self._book_for_demo_teachers()
        self._confirm_some_requests()

    # People

    def _user(self, username: str, first_name: str, last_name: str, **fields: bool) -> User:
        if User.objects.filter(username=username).exists():
            raise DemoError(f"A user named {username!r} already exists; load the demo into an empty database.")
        return User.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.dk",
            password=self.password_hash,
            phone=f"+45 {self.rng.randint(20, 61)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)} "
            f"{self.rng.randint(10, 99)}",
            **fields,
        )

    def _login_user(self, login: Login, **fields: bool) -> User:
        return self._user(login.username, login.first_name, login.last_name, **fields)

    def _person(self) -> tuple[str, str]:
        return self.names.pop()

    def _generated_user(self) -> User:
        first, last = self._person()
        return self._user(f"{_ascii(first)}.{_ascii(last)}", first, last)

    def _staff(self) -> None:
        self._login_user(ADMIN, is_staff=True, is_superuser=True)
        consultant = self._login_user(CONSULTANT, is_staff=True, is_consultant=True)
        group, _ = Group.objects.get_or_create(name="Matchkonsulenter")
        group.permissions.set(
            Permission.objects.filter(
                Q(
                    content_type__app_label__in=["companies", "schools", "bookings", "core"],
                    codename__startswith="view_",
                )
                | Q(content_type__app_label__in=["companies", "schools"], codename__regex=r"^(add|change)_")
            )
        )
        consultant.groups.add(group)

    # Companies

    def _companies(self) -> None:
        municipalities = Municipality.objects.in_bulk()
        clusters = {cluster.name: cluster for cluster in Cluster.objects.all()}
        for spec in COMPANIES:
            slug = _slug(spec.name)
            latitude, longitude = self._near(spec.city)
            company = Company.objects.create(
                name=spec.name,
                cvr=spec.cvr,
                sector_id=spec.sector,
                municipality=municipalities[spec.municipality],
                address=spec.address,
                postcode=spec.postcode,
                city=spec.city,
                latitude=latitude,
                longitude=longitude,
                description=spec.description,
                website=f"https://{slug}.example.dk",
                email=f"kontakt@{slug}.example.dk",
                phone=f"+45 {self.rng.choice((96, 98, 99))} {self.rng.randint(10, 99)} "
                f"{self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
            )
            company.clusters.set([clusters[name] for name in spec.clusters])
            self.companies[spec.key] = company

            if spec.key in COMPANY_LOGINS:
                login, role, job_title = COMPANY_LOGINS[spec.key]
                host = self._login_user(login)
            else:
                host, role, job_title = self._generated_user(), CompanyMember.Role.ADMIN, "Kontaktperson for skoler"
            CompanyMember.objects.create(company=company, user=host, role=role, job_title=job_title)
            self.hosts[spec.key] = host

            self.role_models[spec.key] = [
                RoleModel.objects.create(
                    company=company,
                    name=" ".join(self._person()),
                    job_title=job_title,
                    education_path=path,
                    is_young_ambassador=young,
                )
                for job_title, path, young in spec.role_models
            ]

    # Schools

    def _schools(self) -> None:
        # The classes belong to the school year the slots are in: from late June that is the
        # next one, as every slot then lies after the summer holiday.
        first_slot = Slot.objects.order_by("start").first()
        school_year = school_year_of(timezone.localtime(first_slot.start).date())
        municipalities = Municipality.objects.in_bulk()
        for spec in SCHOOLS:
            latitude, longitude = self._near(spec.city)
            school = School.objects.create(
                name=spec.name,
                institution_number=spec.institution_number,
                kind=spec.kind,
                municipality=municipalities[spec.municipality],
                address=spec.address,
                postcode=spec.postcode,
                city=spec.city,
                latitude=latitude,
                longitude=longitude,
            )
            self.schools[spec.key] = school
            login = SCHOOL_LOGINS.get(spec.key)
            user = self._login_user(login) if login else self._generated_user()
            Teacher.objects.create(user=user, school=school)
            self.teachers[school.pk] = user
            for grade, name in _class_names(spec.kind, spec.parallels):
                self.classes.append(
                    SchoolClass.objects.create(
                        school=school,
                        name=name,
                        grade=grade,
                        school_year=school_year,
                        pupils=self.rng.randint(18, 28),
                    )
                )

    # Offers and slots

    def _offer(self, spec: OfferSpec) -> Offer:
        company = self.companies[spec.company]
        offer = services.offer_create(
            actor=self.hosts[spec.company],
            subjects=list(spec.subjects),
            sectors=[company.sector_id],
            company=company,
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
            contact=company.members.get(),
            is_published=spec.published,
        )
        if spec.key:
            self.offers[spec.key] = offer
        return offer

    def _slots(self, spec: OfferSpec, offer: Offer) -> None:
        host = self.hosts[spec.company]
        days: set[dt.date] = set()
        starts = []
        for weeks, weekday, time in spec.singles:
            day = self._school_day(weeks, weekday, taken=days)
            days.add(day)
            starts.append(self._at(day, time))
        if spec.on_open_day:
            starts.append(self._at(self._open_day(), "09:00"))
        if spec.in_teacher_week is not None:
            starts.append(self._at(self._teacher_week() + dt.timedelta(days=spec.in_teacher_week), "08:30"))
        for start in starts:
            services.slot_create(actor=host, offer=offer, start=start, role_models=self._some_role_models(spec))
        if spec.series:
            weeks, time = spec.series_from
            start = self._at(self._first_school_day(self.today + dt.timedelta(weeks=weeks)), time)
            series = services.slot_series_create(
                actor=host, offer=offer, start=start, end=start + dt.timedelta(minutes=spec.duration), rrule=spec.series
            )
            for slot in series.slots.order_by("start"):
                services.slot_update(slot=slot, actor=host, role_models=self._some_role_models(spec))

    def _some_role_models(self, spec: OfferSpec) -> list[RoleModel]:
        if spec.kind == TEACHER_VISIT:
            return []
        available = self.role_models[spec.company]
        return self.rng.sample(available, self.rng.randint(1, min(2, len(available))))

    # Bookings

    def _book_demand(self, spec: OfferSpec, offer: Offer) -> None:
        """Book the classes the spec asks for, from schools other than the demo teachers'.
        More classes than places fill the slot and, if the offer keeps one, the waitlist."""
        demo_schools = {self.schools[key].pk for key in SCHOOL_LOGINS}
        for slot, wanted in zip(offer.slots.order_by("start"), spec.demand, strict=False):
            for _ in range(wanted):
                slot.refresh_from_db()
                school_class = self._pick_class(offer, slot, exclude_schools=demo_schools)
                if school_class is None:
                    break
                self._book(slot, school_class, message=self.rng.choice(BOOKING_MESSAGES))

    def _pick_class(self, offer: Offer, slot: Slot, *, exclude_schools: set[int]) -> SchoolClass | None:
        """A class that may book the slot now, preferring classes near the company."""
        has_place = slot.free_classes > 0
        if not has_place and not offer.waitlist_enabled:
            return None
        pupils_limit = slot.free_pupils if has_place else slot.capacity_pupils
        on_slot = set(slot.bookings.values_list("school_class_id", flat=True))
        candidates = [
            school_class
            for school_class in self.classes
            if school_class.school_id not in exclude_schools
            and offer.accepts_grade(school_class.grade)
            and school_class.pupils <= pupils_limit
            and school_class.pk not in on_slot
            and self._is_free(school_class, slot)
        ]
        if not candidates:
            return None
        company = offer.company
        weights = [
            1 / (1 + _distance_km(company.latitude, company.longitude, c.school.latitude, c.school.longitude) / 15) ** 2
            for c in candidates
        ]
        return self.rng.choices(candidates, weights=weights)[0]

    def _is_free(self, school_class: SchoolClass, slot: Slot) -> bool:
        return all(slot.start >= end or slot.end <= start for start, end in self.busy[school_class.pk])

    def _book(self, slot: Slot, school_class: SchoolClass, *, message: str) -> Booking:
        booking = services.booking_create(
            actor=self.teachers[school_class.school_id],
            slot_id=slot.pk,
            school_class_id=school_class.pk,
            pupils=school_class.pupils,
            adults=2,
            message=message,
        )
        if booking.holds_place:
            self.busy[school_class.pk].append((slot.start, slot.end))
        return booking

    def _book_for_demo_teachers(self) -> None:
        for demo in DEMO_BOOKINGS:
            teacher = User.objects.get(username=demo.username)
            school_class = next(
                c for c in self.classes if c.school_id == teacher.teacher.school_id and c.name == demo.class_name
            )
            offer = self.offers[demo.offer]
            slot = offer.slots.order_by("start")[demo.slot_index : demo.slot_index + 1].first()
            if slot is None:  # near the summer holiday a series has fewer slots
                continue
            booking = self._book(slot, school_class, message=demo.message)
            if demo.confirm:
                services.booking_confirm(booking=booking, actor=offer.contact.user)
            self.demo_teacher_bookings.add(booking.pk)

    def _confirm_some_requests(self) -> None:
        """Hosts have answered about half of the requests; the rest await them."""
        requested = (
            Booking.objects.filter(status=Booking.Status.REQUESTED)
            .exclude(pk__in=self.demo_teacher_bookings)
            .select_related("slot__offer__contact__user")
            .order_by("pk")
        )
        for booking in requested:
            if self.rng.random() < 0.5:
                services.booking_confirm(booking=booking, actor=booking.slot.offer.contact.user)

    # Places and dates

    def _near(self, town: str) -> tuple[float, float]:
        latitude, longitude = TOWNS[town]
        return (
            round(latitude + self.rng.uniform(-0.006, 0.006), 5),
            round(longitude + self.rng.uniform(-0.01, 0.01), 5),
        )

    def _school_day(self, weeks: int, weekday: int, *, taken: Set[dt.date] = frozenset()) -> dt.date:
        """The weekday `weeks` weeks from today, moved on a week at a time past holidays (so that
        slots after Christmas do not all pile up on its first school day) and past `taken` days."""
        day = self.today + dt.timedelta(weeks=weeks)
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        while holiday_name(day) or day in taken:
            day += dt.timedelta(weeks=1)
        return day

    @staticmethod
    def _first_school_day(day: dt.date) -> dt.date:
        """`day` or the first school day after it, so that a series never starts in a holiday
        (a weekly series begun early in the summer holiday would otherwise be all holiday)."""
        while day.weekday() >= 5 or holiday_name(day):
            day += dt.timedelta(days=1)
        return day

    def _open_day(self) -> dt.date:
        """The region's open day for girls: a Thursday about two months ahead."""
        return self._school_day(8, TH)

    def _teacher_week(self) -> dt.date:
        """The Monday of the teacher-visit week: the first whole school week six weeks ahead."""
        monday = self.today + dt.timedelta(weeks=6)
        monday -= dt.timedelta(days=monday.weekday())
        while any(holiday_name(monday + dt.timedelta(days=offset)) for offset in range(5)):
            monday += dt.timedelta(weeks=1)
        return monday

    @staticmethod
    def _at(day: dt.date, time: str) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(time)))


def _class_names(kind: str, parallels: int) -> list[tuple[int, str]]:
    letters = "ABCD"[:parallels]
    if kind == FOLK:
        return [(grade, f"{grade}.{letter}") for grade in (7, 8, 9) for letter in letters]
    if kind == GYM:
        return [(grade, f"{grade - 10}.{letter.lower()}") for grade in (11, 12, 13) for letter in letters]
    if kind == EUD:  # HTX: the technical gymnasium
        return [(grade, f"{grade - 10}.t{letter.lower()}") for grade in (11, 12, 13) for letter in letters]
    return [(10, f"10.{letter}") for letter in letters]


def _ascii(text: str) -> str:
    for danish, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        text = text.replace(danish, plain)
    return text.lower()


def _slug(name: str) -> str:
    words = re.sub(r"\b(a/s|aps|a\.m\.b\.a\.)", "", _ascii(name))
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-")


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance; good enough to prefer nearby schools."""
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371 * math.hypot(dlat, dlon)
