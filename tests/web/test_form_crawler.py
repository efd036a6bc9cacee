"""Hostile input through every form of the web app: a crawler signs in as each demo login (and
as a visitor), follows the links of every page it can reach, and submits every form it finds
with empty, oversized, wrong-type and script-bearing values (and with the form's own values
but script in its text). No answer may be a server error, and no page may carry the submitted
script back unescaped.

Each submission runs in a savepoint rolled back afterwards, so every form meets the demo as
loaded. Bounded for `make test`: one address per page name. A longer run follows more
addresses of each page name: `CRAWL_PAGES_PER_NAME=5 .venv/bin/python -m pytest tests/web/test_form_crawler.py`."""

from __future__ import annotations

import io
import os
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import User
from demo import DEMO_LOGINS
from opendays.models import Application, LinkPurpose

PAGES_PER_NAME = int(os.environ.get("CRAWL_PAGES_PER_NAME", "1"))
# Not crawled: signing out ends the crawl's session; the admin and the API have their own tests
# (the API's in tests/test_api_schema_fuzz.py).
SKIPPED_NAMES = {"logout", "set_language", "schema", "docs", "token", "ping"}
SKIPPED_NAMESPACES = ("admin:", "api:")

SCRIPT = '<script>alert("brobyg-xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1) id=brobyg-xss>'
REFLECTED = ('<script>alert("brobyg-xss")', "<img src=x onerror=alert(1) id=brobyg-xss>")
OVERSIZED = "Å" * 20_000
WRONG_TYPE = {
    "number": "12abc",
    "date": "2026-13-45",
    "datetime-local": "i morgen",
    "time": "25:61",
    "email": "@@",
    "checkbox": "måske",
    "radio": "-1",
    "select": "999999999",
    "hidden": "-1",
}
HUGE_NUMBER = "9" * 30
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "textarea", ""}


@dataclass
class Field:
    """One named control of a form."""

    name: str
    kind: str  # an input's type, or "select" / "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)


class PageParser(HTMLParser):
    """The links and the forms of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append(
                Form(
                    action=attributes.get("action", ""),
                    method=attributes.get("method", "get").lower(),
                    enctype=attributes.get("enctype", ""),
                )
            )
        elif not self.forms or "name" not in attributes:
            if tag == "option" and self._select is not None:
                self._select.options.append(attributes.get("value", ""))
        elif tag == "input" and attributes.get("type", "text").lower() not in {"submit", "button", "reset", "image"}:
            self.forms[-1].fields.append(
                Field(
                    name=attributes["name"],
                    kind=attributes.get("type", "text").lower(),
                    value=attributes.get("value", ""),
                    checked="checked" in attributes,
                )
            )
        elif tag == "select":
            self._select = Field(name=attributes["name"], kind="select")
            self.forms[-1].fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(name=attributes["name"], kind="textarea")
            self.forms[-1].fields.append(self._textarea)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def _own_value(control: Field) -> str:
    """What a browser would send for the control untouched (or its first choice)."""
    if control.kind == "select":
        return next((option for option in control.options if option), "")
    if control.kind in {"checkbox", "radio"}:
        return control.value or "on"
    return control.value


def _hostile(control: Field, variant: str) -> str | SimpleUploadedFile:
    if control.name == "csrfmiddlewaretoken":
        return control.value
    if control.kind == "file":
        return SimpleUploadedFile("hostile.csv", f"navn;{SCRIPT}\n{OVERSIZED}\n".encode(), "text/csv")
    if variant == "empty":
        return ""
    if variant == "oversized":
        return OVERSIZED
    if variant == "wrong_type":
        return WRONG_TYPE.get(control.kind, HUGE_NUMBER if control.kind == "number" else "\x00")
    if variant == "script":
        return SCRIPT if control.kind != "hidden" else ATTRIBUTE
    # "own_values_with_script": the form as a browser would send it, but script in its text and
    # a number too large for any column, so the values get past the form to the services.
    if control.kind in TEXT_TYPES:
        return f"{SCRIPT}{ATTRIBUTE}"
    if control.kind == "number":
        return HUGE_NUMBER
    return _own_value(control)


VARIANTS = ["empty", "oversized", "wrong_type", "script", "own_values_with_script"]


def _data(form: Form, variant: str) -> dict[str, list]:
    data: dict[str, list] = {}
    for control in form.fields:
        data.setdefault(control.name, []).append(_hostile(control, variant))
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def _page_name(path: str) -> str | None:
    """The URL name of a path of the web app, or None for what the crawler leaves alone."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIPPED_NAMES or name.startswith(SKIPPED_NAMESPACES):
        return None
    return name


def _argument_free_pages() -> list[str]:
    """Every page without arguments, whether or not a menu links to it."""

    def walk(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if not pattern.namespace:
                    yield from walk(pattern, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groupindex:
                yield pattern.name

    found = []
    for name in walk(get_resolver()):
        if name in SKIPPED_NAMES:
            continue
        try:
            found.append(reverse(name))
        except Exception:  # a pattern with unnamed arguments: reached through links instead
            continue
    return found


def _link_pages() -> list[str]:
    """The pages pupils and guardians reach only through the link in their e-mail."""
    pages = []
    for application in Application.objects.exclude(link_nonce="").order_by("id")[:3]:
        pages.append(reverse("openday-application", args=[application.link_token(LinkPurpose.APPLICANT)]))
        pages.append(reverse("openday-guardian", args=[application.link_token(LinkPurpose.GUARDIAN)]))
    return pages


@dataclass
class Crawl:
    client: Client
    failures: list[str] = field(default_factory=list)
    pages: Counter[str] = field(default_factory=Counter)
    submissions: Counter[tuple[str, int]] = field(default_factory=Counter)
    forms_seen: set[tuple] = field(default_factory=set)

    def request(self, method: str, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """One request in a savepoint rolled back afterwards; (status, content type, body). A
        write that succeeded is followed to the page it leads to, in the same savepoint, so
        that what was stored is also seen shown."""
        label = f"{method.upper()} {url} {_summary(data)}"
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data or {})
                status, content_type, body = self.check(label, response)
                location = urlsplit(response.get("Location", ""))
                if method == "post" and status == 302 and location.netloc in ("", "testserver"):
                    self.check(f"{label} then GET {location.path}", self.client.get(location.path))
                transaction.set_rollback(True)
        except Exception as error:  # a view that raised: a server error to report
            self.failures.append(f"{label} raised {error!r}")
            return 500, "", ""
        return status, content_type, body

    def check(self, label: str, response) -> tuple[int, str, str]:
        """No server error, and none of the submitted script back unescaped."""
        content_type = response.get("Content-Type", "")
        body = response.content.decode(errors="replace") if content_type.startswith("text/html") else ""
        if response.status_code >= 500:
            self.failures.append(f"{label} answered {response.status_code}")
        for marker in REFLECTED:
            if marker in body:
                self.failures.append(f"{label} reflected {marker!r} unescaped")
        return response.status_code, content_type, body

    def submit(self, page: str, form: Form) -> None:
        target = urljoin(page, form.action or page)
        path = urlsplit(target).path
        name = _page_name(path)
        key = (name, form.method, tuple(sorted(control.name for control in form.fields)))
        if name is None or key in self.forms_seen:
            return
        self.forms_seen.add(key)
        for variant in VARIANTS:
            method = "post" if form.method == "post" else "get"
            status, _, _ = self.request(method, target, _data(form, variant))
            self.submissions[variant, status] += 1

    def run(self, start: list[str]) -> None:
        queue = deque(start)
        visited: set[str] = set()
        while queue:
            url = queue.popleft()
            path = urlsplit(url).path
            name = _page_name(path)
            if url in visited or name is None or self.pages[name] >= PAGES_PER_NAME:
                continue
            visited.add(url)
            self.pages[name] += 1
            status, _, body = self.request("get", url)
            if status != 200 or not body:
                continue
            parser = PageParser()
            parser.feed(body)
            for link in parser.links:
                absolute = urljoin(url, link)
                parts = urlsplit(absolute)
                if not parts.netloc or parts.netloc == "testserver":
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            for form in parser.forms:
                self.submit(url, form)


def _summary(data: dict | None) -> str:
    if not data:
        return ""
    return "{" + ", ".join(f"{name}={str(value)[:24]!r}" for name, value in list(data.items())[:6]) + "}"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def forget_submissions() -> Iterator[None]:
    """The open-day form counts submissions per address in the cache: the crawl's must not
    count against the tests after it (nor earlier tests' against the crawl)."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("username", [None] + [login.username for login in DEMO_LOGINS])
def test_no_form_fails_or_reflects_script_whatever_is_submitted(demo, db, username):
    """Every form reachable by `username` (None: a visitor), submitted with hostile values,
    answers below 500 and never carries the submitted script back unescaped."""
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    crawl = Crawl(client)

    crawl.run(["/", *_argument_free_pages(), *_link_pages()])

    print(
        f"{username}: {crawl.pages.total()} pages, {len(crawl.forms_seen)} forms, {sorted(crawl.submissions.items())}"
    )
    assert crawl.pages.total() > 5
    assert not crawl.failures, f"{len(crawl.failures)} failures:\n" + "\n".join(crawl.failures)
