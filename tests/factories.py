"""Factories for every model, in one place."""

import datetime as dt
import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import ApiToken, User
from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity, WishChoice
from bookings.models import Offer, Slot
from companies.models import Company, CompanyMember, RoleModel
from core.dates import school_year_of
from core.models import Municipality, Sector
from core.tokens import token_hash
from schools.models import School, SchoolClass, Teacher


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Søren"
    last_name = "Ærø"
    email = factory.Sequence(lambda n: f"person{n}@example.dk")
    password = factory.django.Password("secret-pass-123")


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Nordjysk Vindkraft {n} A/S")
    cvr = factory.Sequence(lambda n: f"{30000000 + n}")
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="energy"))
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code=851))
    address = "Havnegade 12"
    postcode = "9000"
    city = "Aalborg"


class CompanyMemberFactory(DjangoModelFactory):
    class Meta:
        model = CompanyMember

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = CompanyMember.Role.HOST


class RoleModelFactory(DjangoModelFactory):
    class Meta:
        model = RoleModel

    company = factory.SubFactory(CompanyFactory)
    name = "Maja Østergård"
    job_title = "Elektrikerlærling"
    is_young_ambassador = True


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Vestbjerg Skole {n}")
    institution_number = factory.Sequence(lambda n: f"{800000 + n}")
    kind = School.Kind.FOLKESKOLE
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code=851))
    address = "Skolevej 1"
    postcode = "9380"
    city = "Vestbjerg"


class TeacherFactory(DjangoModelFactory):
    class Meta:
        model = Teacher

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"8.{chr(65 + n % 26)}{n}")
    grade = 8
    school_year = factory.LazyFunction(lambda: school_year_of(timezone.localdate()))
    pupils = 24


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    company = factory.SubFactory(CompanyFactory)
    kind = Offer.Kind.COMPANY_VISIT
    title = "Besøg på vindmøllefabrikken"
    description = "Se hvordan en vindmøllevinge bliver støbt."
    grade_min = 7
    grade_max = 9
    auto_confirm = True
    waitlist_enabled = True
    is_published = True
    booking_deadline_hours = 24
    cancellation_deadline_hours = 48


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = Slot

    offer = factory.SubFactory(OfferFactory)
    # 10:00 in Copenhagen two weeks on, not two weeks from this very minute: a slot made late in
    # the evening would otherwise end after midnight, a day later than it starts.
    start = factory.LazyFunction(
        lambda: timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=14), dt.time(10)))
    )
    end = factory.LazyAttribute(lambda slot: slot.start + dt.timedelta(hours=2))
    booking_deadline = factory.LazyAttribute(lambda slot: slot.start - dt.timedelta(days=1))
    capacity_classes = 2
    capacity_pupils = 60


# Adoptions ---------------------------------------------------------------------------------


class AdoptionRoundFactory(DjangoModelFactory):
    """A round collecting for next school year in Aalborg (the area of the default school and company)."""

    class Meta:
        model = AdoptionRound
        skip_postgeneration_save = True

    title = "Klasser adopteres"
    school_year = factory.LazyFunction(lambda: school_year_of(timezone.localdate()) + 1)

    @factory.post_generation
    def municipalities(self, create: bool, codes, **kwargs) -> None:
        if create:
            self.municipalities.set(codes if codes is not None else [851])


class CompanyCapacityFactory(DjangoModelFactory):
    class Meta:
        model = CompanyCapacity

    round = factory.SubFactory(AdoptionRoundFactory)
    company = factory.SubFactory(CompanyFactory)
    classes = 2


class ClassWishFactory(DjangoModelFactory):
    class Meta:
        model = ClassWish

    round = factory.SubFactory(AdoptionRoundFactory)
    school_class = factory.SubFactory(SchoolClassFactory)


class WishChoiceFactory(DjangoModelFactory):
    class Meta:
        model = WishChoice

    wish = factory.SubFactory(ClassWishFactory)
    rank = 1
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="energy"))


def api_key_for(user: User, *, days: int = 30) -> str:
    """A working API key for `user`, stored hashed like the token endpoint's (without its audit
    entry, which tests of the endpoint check)."""
    key = secrets.token_hex(20)
    now = timezone.now()
    ApiToken.objects.create(user=user, key_hash=token_hash(key), created=now, expires=now + dt.timedelta(days=days))
    return key
