#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # DEBUG and SECRET_KEY come from the environment only: a command run by hand in production
    # (migrate, qcluster) must not start with DEBUG and the insecure development key.
    # `make run` and `make demo` set DEBUG=1 for development.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
