"""What every benchmark does first: run under the project's .venv and import the project."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def use_project_interpreter(script: str) -> None:
    """Re-run `script` under .venv/bin/python when started with another interpreter, and put
    the project on sys.path."""
    python = VENV / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def setup_django_on_fresh_sqlite(workdir: Path, database: str) -> None:
    """Set Django up on a new SQLite database `database` in `workdir`, migrated, with e-mail
    written to files there and nothing of the environment's Redis, mail server or connection
    reuse, so a benchmark measures the embedded default and touches nothing else."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir / database}",
        SECRET_KEY="bench-only",
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SITE_URL="https://brobyg.example.dk",
        EMAIL_FILE_PATH=str(workdir / "mail"),
    )
    for name in ("REDIS_URL", "EMAIL_URL", "CONN_MAX_AGE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
