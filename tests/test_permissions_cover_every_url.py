"""Every URL of the project is in the authorisation matrix: a page or an endpoint added without
a row in tests/test_permissions.py (who may do what with it, role by role) fails here.

The matrix's registry of covered URL names is read from the matrix itself: each address
written in tests/test_permissions.py (a matrix row, or an f-string in a test) is resolved to
its URL name. Addresses put together inside a test from parametrized parts are registered by
hand in COVERED_IN_TEST_BODIES. The admin is Django's, behind its own staff check: one test
below holds it for every admin page."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests import factories

MATRIX_MODULES = [Path(__file__).parent / "test_permissions.py"]
COVERED_IN_TEST_BODIES = {
    # URL name: the test in the matrix module whose requests cover it
    "api:booking-confirm": "test_booking_actions",
    "api:booking-decline": "test_booking_actions",
    "openday-offer": "test_openday_link_pages",
    "openday-survey": "test_openday_link_pages",
}


def _named_patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern


def _addresses_in(module: Path) -> Iterator[str]:
    """Every string in the module that looks like an address; an f-string's or a template's
    placeholders become "1" (an id, or a token that opens nothing)."""
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "1" for part in node.values)
        else:
            continue
        if text.startswith("/"):
            yield re.sub(r"\{[^}]*\}", "1", text).split("?")[0]


def covered_url_names() -> set[str]:
    names = set(COVERED_IN_TEST_BODIES)
    for module in MATRIX_MODULES:
        for address in _addresses_in(module):
            try:
                names.add(resolve(address).view_name)
            except Resolver404:
                continue  # a part of an address put together in a test
    return names


def test_every_url_name_is_in_the_authorisation_matrix():
    """A new page or endpoint needs its rows in tests/test_permissions.py (or, for an address
    put together in a test, an entry in COVERED_IN_TEST_BODIES)."""
    project = {name for name, _ in _named_patterns(get_resolver()) if not name.startswith("admin:")}

    missing = sorted(project - covered_url_names())

    assert not missing, "URLs with no row in the authorisation matrix (tests/test_permissions.py):\n" + "\n".join(
        missing
    )
    assert len(project) > 150


def test_the_hand_registry_names_real_urls_and_real_tests():
    """An entry of COVERED_IN_TEST_BODIES names a URL that exists and a test that requests it."""
    project = {name for name, _ in _named_patterns(get_resolver())}
    source = MATRIX_MODULES[0].read_text()

    assert set(COVERED_IN_TEST_BODIES) <= project
    for test in COVERED_IN_TEST_BODIES.values():
        assert f"def {test}(" in source


# Signing in and out of the admin is for anyone; the autocomplete answers only with its arguments.
NOT_ADMIN_PAGES = {"admin:login", "admin:logout", "admin:autocomplete"}


def _admin_pages() -> list[str]:
    """Every admin page that takes no argument: the index, each model's list and add page."""
    pages = []
    for name, pattern in _named_patterns(get_resolver()):
        if name.startswith("admin:") and name not in NOT_ADMIN_PAGES and not pattern.pattern.regex.groupindex:
            try:
                pages.append(reverse(name))
            except NoReverseMatch:
                continue
    return pages


@pytest.mark.parametrize("role", ["anonymous", "teacher", "host", "consultant"])
def test_every_admin_page_sends_anyone_but_staff_to_the_admin_sign_in(db, role):
    """The admin is for staff: everyone else, a consultant included, is sent to sign in there."""
    users = {
        "teacher": lambda: factories.TeacherFactory().user,
        "host": lambda: factories.CompanyMemberFactory().user,
        "consultant": lambda: factories.UserFactory(is_consultant=True),
    }
    browser = Client()
    if role != "anonymous":
        browser.force_login(users[role]())
    pages = _admin_pages()

    answers = {page: browser.get(page) for page in pages}

    assert len(answers) > 20
    wrong = {page: answer.status_code for page, answer in answers.items() if answer.status_code != 302}
    assert not wrong
    assert not {
        page: answer["Location"]
        for page, answer in answers.items()
        if not answer["Location"].startswith("/admin/login/")
    }


def test_every_admin_page_opens_for_an_administrator(db):
    """Each page opens, but the add page of a model the admin only shows (403)."""
    browser = Client()
    browser.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    answers = {page: browser.get(page).status_code for page in _admin_pages()}

    failing = {page: status for page, status in answers.items() if status != 200}

    assert not {page: status for page, status in failing.items() if not (page.endswith("/add/") and status == 403)}
    assert len(failing) < len(answers) / 2
