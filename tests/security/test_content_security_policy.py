"""A Content Security Policy on every page, and pages that keep to it: scripts and styles only
from Brobyg's files (no inline script, no event-handler attribute, no javascript: link), so the
policy needs no 'unsafe-inline' for scripts and an injected script would not run."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
# Our templates that make pages (e-mails are not pages: no browser runs their scripts).
PAGE_TEMPLATES = [
    path
    for path in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "email" not in path.name and "emails" not in path.parts
]
PAGES_PER_ROLE = 45


class ScriptFinder(HTMLParser):
    """Collects what a page would run or apply without a file of its own: inline scripts, on*
    attributes, javascript: addresses, <style> elements (style-src 'self' refuses them; only
    style attributes are allowed); and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") not in ("application/json",):
            self.inline.append(f"<script {values}>")
        if tag == "style":
            self.inline.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value}>")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


def script_src(policy: str) -> list[str]:
    for directive in policy.split(";"):
        name, *sources = directive.split()
        if name == "script-src":
            return sources
    return []


def assert_keeps_to_policy(response, url: str) -> ScriptFinder:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{url} has no Content-Security-Policy"
    assert script_src(policy) and "'unsafe-inline'" not in script_src(policy), url
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
    finder = ScriptFinder()
    if "html" in response.get("Content-Type", ""):
        finder.feed(response.content.decode())
        assert not finder.inline, f"{url}: {finder.inline}"
    return finder


def crawl(client: Client, start: list[str]) -> list[str]:
    """Every page reachable by links from `start` (up to PAGES_PER_ROLE), checked on the way."""
    seen: set[str] = set()
    queue = deque(start)
    visited = []
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen or "logout" in path or path.endswith((".ics", ".csv", ".xlsx")):
            continue
        seen.add(path)
        response = client.get(url)
        visited.append(url)
        if response.status_code in (301, 302):
            continue
        finder = assert_keeps_to_policy(response, url)
        for link in finder.links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_have_no_inline_script(template):
    """No template of a page holds an inline script, an event-handler attribute or a javascript: link."""
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
    assert not re.search(r"\son[a-z]+\s*=", text)
    assert "javascript:" not in text


@pytest.mark.parametrize("role", ["visitor", "teacher", "host", "consultant", "administrator"])
def test_every_page_reached_by_a_role_sends_the_policy_and_keeps_to_it(db, role):
    """Crawling from the home page as each role: every answer carries the policy, and no HTML
    page holds what it forbids."""
    school = factories.SchoolFactory()
    company = factories.CompanyFactory()
    users = {
        "teacher": factories.TeacherFactory(school=school).user,
        "host": factories.CompanyMemberFactory(company=company).user,
        "consultant": factories.UserFactory(is_consultant=True),
        "administrator": factories.UserFactory(is_staff=True, is_superuser=True),
    }
    factories.OfferFactory(company=company, is_published=True)
    client = Client()
    if role in users:
        client.force_login(users[role])
    start = ["/", "/login/", "/offers/", "/api/v1/docs/"]
    if role == "administrator":
        start += ["/admin/", "/admin/accounts/user/", "/admin/bookings/offer/"]

    visited = crawl(client, start)

    assert len(visited) >= 5


def test_browsable_api_and_errors_send_the_policy(db, client):
    """The browsable API, a 404 and the API's JSON all carry the policy too, and the browsable
    API's pages hold no <style> element (DRF writes one for Pygments' colours, which Chromium
    then refuses and reports)."""
    for url, accept in [("/api/v1/", "text/html"), ("/api/v1/offers/", "text/html"), ("/no-such-page/", "text/html")]:
        assert_keeps_to_policy(client.get(url, HTTP_ACCEPT=accept), url)
    assert client.get("/api/v1/offers/").get("Content-Security-Policy")


def test_api_docs_allow_swagger_ui_from_its_cdn_only_there(db, client):
    """The API documentation loads Swagger UI from its CDN; its start script comes as a file of
    its own; other pages allow no CDN."""
    docs = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/", {"script": ""})

    assert "https://cdn.jsdelivr.net" in script_src(docs["Content-Security-Policy"])
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "cdn.jsdelivr.net" not in client.get("/offers/")["Content-Security-Policy"]
