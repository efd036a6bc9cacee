import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.core.mail import EmailMessage

from notifications.backends import EmlFileBackend

ROOT = Path(__file__).resolve().parents[2]


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_import({})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_is_sqlite_and_database_url_switches_to_postgresql():
    assert _settings_import({"DEBUG": "1"}).stdout.strip() == "django.db.backends.sqlite3"
    url = "postgres://brobyg:pw@db.example:5432/brobyg"
    assert _settings_import({"SECRET_KEY": "x", "DATABASE_URL": url}).stdout.strip() == "django.db.backends.postgresql"


def test_eml_backend_writes_one_readable_file_per_message(tmp_path):
    backend = EmlFileBackend(file_path=str(tmp_path))
    messages = [
        EmailMessage("Bekræftet: Besøg på Ørsted", "Vi glæder os til at se 8.Å", to=["lærer@example.dk"]),
        EmailMessage("Påmindelse", "Husk sikkerhedssko", to=["vært@example.dk"]),
    ]

    assert backend.send_messages(messages) == 2

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] in {"Bekræftet: Besøg på Ørsted", "Påmindelse"}
    assert parsed.get_content().strip() in {"Vi glæder os til at se 8.Å", "Husk sikkerhedssko"}
    assert not mail.outbox


def test_home_page_links_the_api_docs(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"/api/v1/docs/" in response.content
