"""Demo schools: folkeskoler, gymnasiums, a technical gymnasium and a 10th-grade centre across
the region, each with a teacher and its classes. Written through schools' services."""

from __future__ import annotations

import random
from dataclasses import dataclass

from accounts.models import User
from core.models import Municipality
from demo.logins import TEACHER, TEACHER2
from demo.people import People
from demo.places import near
from schools import services
from schools.models import School, SchoolClass


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
    SchoolSpec("tingstrup", "Tingstrup Skole", "787902", FOLK, 787, "Tingstrupvej 20", "7700", "Thisted", 1),
    SchoolSpec("aars", "Aars Skole", "820901", FOLK, 820, "Himmerlandsgade 99", "9600", "Aars", 2),
)  # fmt: skip

SCHOOL_LOGINS = {"vestbjerg": TEACHER, "fladstrand": TEACHER2}


@dataclass
class DemoSchool:
    school: School
    teacher: User
    classes: list[SchoolClass]


def schools_create(*, people: People, rng: random.Random, school_year: int) -> dict[str, DemoSchool]:
    """Every school of SCHOOLS with its teacher and its classes of `school_year`, by the school's key."""
    municipalities = Municipality.objects.in_bulk()
    created = {}
    for spec in SCHOOLS:
        latitude, longitude = near(rng, spec.city)
        school = services.school_create(
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
        login = SCHOOL_LOGINS.get(spec.key)
        teacher = people.login_user(login) if login else people.generated_user()
        services.teacher_add(school=school, user=teacher)
        classes = [
            services.school_class_create(
                actor=None, school=school, name=name, grade=grade, school_year=school_year, pupils=rng.randint(18, 28)
            )
            for grade, name in class_names(spec.kind, spec.parallels)
        ]
        created[spec.key] = DemoSchool(school=school, teacher=teacher, classes=classes)
    return created


def class_names(kind: str, parallels: int) -> list[tuple[int, str]]:
    """(grade, name) of a school's classes, named as that kind of school names them."""
    letters = "ABCD"[:parallels]
    if kind == FOLK:
        return [(grade, f"{grade}.{letter}") for grade in (7, 8, 9) for letter in letters]
    if kind == GYM:
        return [(grade, f"{grade - 10}.{letter.lower()}") for grade in (11, 12, 13) for letter in letters]
    if kind == EUD:  # HTX: the technical gymnasium
        return [(grade, f"{grade - 10}.t{letter.lower()}") for grade in (11, 12, 13) for letter in letters]
    return [(10, f"10.{letter}") for letter in letters]
