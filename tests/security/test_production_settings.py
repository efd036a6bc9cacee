"""Production defaults: with DEBUG off and nothing else said, Brobyg expects HTTPS behind a proxy
(secure cookies, HSTS, the proxy's scheme header, a redirect from plain HTTP) and Django's
deployment checklist passes; HTTPS=0 turns all of it off for a trial over plain HTTP."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables of this environment that would change what the settings read.
SCRUBBED = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS", "HTTPS"}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED and not key.startswith(("DJANGO_", "SECURE_", "THROTTLE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="brobyg.example.dk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        # Not contacted by the checks; its presence puts the cache, and so the lockouts, in Redis.
        REDIS_URL="redis://127.0.0.1:6390/3",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


# Requests through the whole middleware stack with the settings the environment gives.
PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="brobyg.example.dk")
plain = client.get("/login/")
proxied = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
ping = client.get("/api/v1/ping/")
plain_api = client.get("/api/v1/", HTTP_ACCEPT="application/json")
proxied_api = client.get("/api/v1/", HTTP_ACCEPT="application/json", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "proxied_status": proxied.status_code,
    "hsts": proxied.get("Strict-Transport-Security", ""),
    "csp": proxied.get("Content-Security-Policy", ""),
    "csrf_cookie_secure": bool(proxied.cookies["csrftoken"]["secure"]) if "csrftoken" in proxied.cookies else None,
    "ping_status": ping.status_code,
    "plain_api_status": plain_api.status_code,
    "proxied_api_status": proxied_api.status_code,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "session_cookie_name": settings.SESSION_COOKIE_NAME,
}))
"""


def probe(env: dict[str, str]) -> dict:
    # The throttles' counts in local memory: the probe must not depend on a Redis server.
    env = {key: value for key, value in env.items() if key != "REDIS_URL"}
    result = manage(env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_checklist_passes_with_production_environment(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` finds nothing with the production environment."""
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checklist_fails_on_plain_http_trial(tmp_path):
    """The checklist does complain about a plain-HTTP trial: the check is not silenced wholesale."""
    result = manage(production_env(tmp_path, HTTPS="0"), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_production_redirects_plain_http_and_sends_hsts_and_secure_cookies(tmp_path):
    """DEBUG off: plain HTTP is redirected to HTTPS; a request the proxy marks as HTTPS is served
    with a year of HSTS, a Content Security Policy and a CSRF cookie flagged Secure; the health
    check still answers over plain HTTP."""
    seen = probe(production_env(tmp_path))

    assert seen["plain_status"] == 301 and seen["plain_location"] == "https://brobyg.example.dk/login/"
    assert seen["proxied_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in seen["csp"]
    assert seen["csrf_cookie_secure"] is True and seen["session_cookie_secure"] is True
    assert seen["session_cookie_name"] == "__Host-sessionid"
    assert seen["ping_status"] == 200


def test_api_refuses_plain_http_instead_of_redirecting(tmp_path):
    """An API request over plain HTTP answers 403 (a redirect would hide that the token travelled
    in the clear); over HTTPS it is served; the health check stays reachable."""
    seen = probe(production_env(tmp_path))

    assert seen["plain_api_status"] == 403
    assert seen["proxied_api_status"] == 200 and seen["ping_status"] == 200


def test_plain_http_trial_turns_the_https_defaults_off(tmp_path):
    """HTTPS=0: served over plain HTTP, no HSTS, cookies without the Secure flag."""
    seen = probe(production_env(tmp_path, HTTPS="0"))

    assert seen["plain_status"] == 200
    assert seen["hsts_seconds"] == 0 and seen["session_cookie_secure"] is False
    assert seen["csrf_cookie_secure"] is False


def test_deploy_checklist_warns_about_a_per_process_cache(tmp_path):
    """Without REDIS_URL each gunicorn worker counts sign-in failures and throttles on its own:
    the deployment check says so."""
    env = production_env(tmp_path)
    del env["REDIS_URL"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "brobyg.W001" in result.stderr + result.stdout
