"""The project's URLconf: the API root links only to the API, and every URL name is the name of one page."""

from collections import defaultdict

from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for


def test_every_link_in_the_api_root_answers_as_an_api_endpoint(consultant):
    """Each link the API root lists answers 200 with JSON, not a web page sharing the link's URL name."""
    client = client_for(consultant)
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert root.status_code == 200
    links = root.json()
    assert "companies" in links
    for name, url in links.items():
        assert "/api/v1/" in url, f"{name} links to {url}"
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        assert response["Content-Type"].startswith("application/json"), f"{name}: {url} is not JSON"


def _named_patterns(resolver: URLResolver, namespace: str = ""):
    """Every named pattern under `resolver` as (namespaced name, pattern)."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern


def test_no_url_name_names_two_different_views():
    """A URL name reverses to one view only, so `{% url %}` and the API root never pick another app's page.

    The router's `.json` format-suffix variants share their view and so count as one.
    """
    views_by_name = defaultdict(set)
    for name, pattern in _named_patterns(get_resolver()):
        views_by_name[name].add(pattern.callback)
    shared = sorted(name for name, views in views_by_name.items() if len(views) > 1)
    assert shared == []
