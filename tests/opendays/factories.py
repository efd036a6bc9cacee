"""Factories for open days: a day in Aalborg about sixty days ahead whose application window is
open now, its hosts, confirmed applications with links, and their ranked preferences.

Shared by every part of issue 11; a test that needs another state passes it explicitly."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import Municipality
from opendays.models import Application, Host, OpenDay, Preference
from tests.factories import CompanyFactory, SchoolFactory

# Far enough ahead that the window can close, a run can be made and published before the day.
DAY_LEAD = dt.timedelta(days=60)


class OpenDayFactory(DjangoModelFactory):
    """An open day in Aalborg (municipality 851, the default company's and school's) about sixty
    days on, taking applications from yesterday until thirty days before the day."""

    class Meta:
        model = OpenDay
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Tekniske Piger-dag {n}")
    description = "Mød virksomheder i Nordjylland, der arbejder med teknik."
    date = factory.LazyFunction(lambda: timezone.localdate() + DAY_LEAD)
    applications_open = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    applications_close = factory.LazyAttribute(
        lambda day: timezone.make_aware(dt.datetime.combine(day.date - dt.timedelta(days=30), dt.time(23, 59)))
    )

    @factory.post_generation
    def municipalities(self, create: bool, codes, **kwargs) -> None:
        if create:
            self.municipalities.set(codes if codes is not None else [851])

    @factory.post_generation
    def outlying_municipalities(self, create: bool, codes, **kwargs) -> None:
        if create and codes:
            self.outlying_municipalities.set(codes)


class HostFactory(DjangoModelFactory):
    """A company hosting twelve pupils from 9 to 14 at its own address."""

    class Meta:
        model = Host

    open_day = factory.SubFactory(OpenDayFactory)
    company = factory.SubFactory(CompanyFactory)
    places = 12
    starts_at = dt.time(9)
    ends_at = dt.time(14)
    programme = "Rundvisning i værkstedet og en opgave med lodning."
    address = factory.LazyAttribute(lambda host: host.company.address)
    postcode = factory.LazyAttribute(lambda host: host.company.postcode)
    city = factory.LazyAttribute(lambda host: host.company.city)


class ApplicationFactory(DjangoModelFactory):
    """A confirmed application of a fifteen-year-old in 9th grade, with working links (read the
    tokens with `application.link_token(LinkPurpose.APPLICANT | GUARDIAN)`)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    open_day = factory.SubFactory(OpenDayFactory)
    first_name = "Freja"
    age = 15
    grade = 9
    school = factory.SubFactory(SchoolFactory)
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code=851))
    email = factory.Sequence(lambda n: f"elev{n}@example.dk")
    status = Application.Status.CONFIRMED
    confirmed_at = factory.LazyAttribute(
        lambda application: timezone.now() if application.status == Application.Status.CONFIRMED else None
    )

    @factory.post_generation
    def links(self, create: bool, extracted, **kwargs) -> None:
        """Issue the links unless `links=False` is passed."""
        if create and extracted is not False:
            self.issue_links()
            self.save(update_fields=["link_nonce", "token_hash", "guardian_token_hash"])


class PreferenceFactory(DjangoModelFactory):
    """A first choice of a host of the application's own day."""

    class Meta:
        model = Preference

    application = factory.SubFactory(ApplicationFactory)
    host = factory.SubFactory(HostFactory, open_day=factory.SelfAttribute("..application.open_day"))
    rank = 1
