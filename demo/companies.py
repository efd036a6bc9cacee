"""Demo companies: one to three in each of the region's business strengths, each with a host
and role models. Written through companies' services."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from accounts.models import User
from companies import services
from companies.models import Company, CompanyMember, RoleModel
from core.models import Cluster, Municipality, Sector
from demo.logins import HOST, HOST2
from demo.people import People, ascii_name
from demo.places import near


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


@dataclass
class DemoCompany:
    company: Company
    host: User
    role_models: list[RoleModel]


def companies_create(*, people: People, rng: random.Random) -> dict[str, DemoCompany]:
    """Every company of COMPANIES with its host and role models, by the company's key."""
    municipalities = Municipality.objects.in_bulk()
    sectors = Sector.objects.in_bulk()
    clusters = {cluster.name: cluster for cluster in Cluster.objects.all()}
    created = {}
    for spec in COMPANIES:
        slug = _slug(spec.name)
        latitude, longitude = near(rng, spec.city)
        company = services.company_create(
            name=spec.name,
            cvr=spec.cvr,
            sector=sectors[spec.sector],
            municipality=municipalities[spec.municipality],
            address=spec.address,
            postcode=spec.postcode,
            city=spec.city,
            latitude=latitude,
            longitude=longitude,
            description=spec.description,
            website=f"https://{slug}.example.dk",
            email=f"kontakt@{slug}.example.dk",
            phone=f"+45 {rng.choice((96, 98, 99))} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            clusters=[clusters[name] for name in spec.clusters],
        )
        if spec.key in COMPANY_LOGINS:
            login, role, job_title = COMPANY_LOGINS[spec.key]
            host = people.login_user(login)
        else:
            host, role, job_title = people.generated_user(), CompanyMember.Role.ADMIN, "Kontaktperson for skoler"
        services.company_member_add(company=company, user=host, role=role, job_title=job_title)
        role_models = [
            services.role_model_create(
                company=company,
                name=" ".join(people.person()),
                job_title=job_title,
                education_path=path,
                is_young_ambassador=young,
            )
            for job_title, path, young in spec.role_models
        ]
        created[spec.key] = DemoCompany(company=company, host=host, role_models=role_models)
    return created


def _slug(name: str) -> str:
    words = re.sub(r"\b(a/s|aps|a\.m\.b\.a\.)", "", ascii_name(name))
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-")
