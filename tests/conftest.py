import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: sign-in failures, throttles and the open-day form's
    counts of one test must not lock out the next."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key_for(user)}")
    return client


@pytest.fixture
def school(db):
    return factories.SchoolFactory()


@pytest.fixture
def teacher(school):
    return factories.TeacherFactory(school=school, user__username="lærer")


@pytest.fixture
def school_class(school):
    return factories.SchoolClassFactory(school=school, name="8.A", grade=8, pupils=24)


@pytest.fixture
def other_teacher(db):
    return factories.TeacherFactory(user__username="anden-lærer")


@pytest.fixture
def other_class(other_teacher):
    return factories.SchoolClassFactory(school=other_teacher.school, name="8.B", grade=8, pupils=22)


@pytest.fixture
def company(db):
    return factories.CompanyFactory()


@pytest.fixture
def host(company):
    return factories.CompanyMemberFactory(company=company, user__username="vært")


@pytest.fixture
def other_host(db):
    return factories.CompanyMemberFactory(user__username="anden-vært")


@pytest.fixture
def consultant(db):
    return factories.UserFactory(username="konsulent", is_consultant=True)


@pytest.fixture
def offer(company, host):
    return factories.OfferFactory(company=company, contact=host)


@pytest.fixture
def slot(offer):
    return factories.SlotFactory(offer=offer, capacity_classes=2, capacity_pupils=60)


@pytest.fixture
def teacher_client(teacher) -> APIClient:
    return client_for(teacher.user)


@pytest.fixture
def host_client(host) -> APIClient:
    return client_for(host.user)
