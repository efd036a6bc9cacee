#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that only read the models and the migration files, and sign, serve or send nothing:
# they run anywhere (CI, a hook checking for missing migrations) without the installation's key.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    # DEBUG and SECRET_KEY come from the environment only: a command run by hand in production
    # (migrate, qcluster) must not start with DEBUG and the insecure development key.
    # `make run` and `make demo` set DEBUG=1 for development.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # used by nothing, kept nowhere
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
