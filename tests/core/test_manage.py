"""`manage.py` runs with the environment it is given: a command started by hand in production
(`migrate`, `qcluster`) must not fall back to DEBUG and the insecure development key. `make run`
sets what development needs itself."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SITE_URL"} and not key.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_without_debug_or_secret_key_refuses_to_run():
    result = _manage("check", env={})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_migrate_without_debug_or_secret_key_refuses_to_run():
    result = _manage("migrate", "--plan", env={})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_checking_for_missing_migrations_needs_no_key_and_no_debug():
    """makemigrations signs, serves and sends nothing: CI and hooks run it bare."""
    result = _manage("makemigrations", "--check", "--dry-run", env={})

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_runs_with_debug_given_explicitly():
    result = _manage("check", env={"DEBUG": "1"})

    assert result.returncode == 0, result.stderr


def _make_dry_run(*arguments: str) -> str:
    result = subprocess.run(
        ["make", "-n", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_with_debug_and_a_site_url_for_its_host_and_port():
    serve = [
        line for line in _make_dry_run("run", "HOST=0.0.0.0", "PORT=9000").splitlines() if "manage.py serve" in line
    ]

    assert len(serve) == 1
    assert "DEBUG=1" in serve[0]
    assert "SITE_URL=http://0.0.0.0:9000" in serve[0]
    assert "--host 0.0.0.0 --port 9000" in serve[0]


def test_every_manage_py_command_in_make_sets_debug():
    commands = [line for line in _make_dry_run("run").splitlines() if "manage.py" in line]

    assert commands and all("DEBUG=1" in line for line in commands)
