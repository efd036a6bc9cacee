"""The project's URLconf: the API root links only to the API, and every URL name is the name of one page."""

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
