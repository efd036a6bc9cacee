"""Erase one person everywhere, on their request: `manage.py erase_person <email>`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import person_erase
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Erase one person everywhere by e-mail address: their accounts (kept blank and deactivated), "
        "profiles, messages, calendar feeds, tokens, texts they wrote, a pupil's open-day applications, "
        "and who they were in the audit log. Anonymous counts stay. See docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the person's e-mail address")

    def handle(self, *args: object, email: str, **options: object) -> None:
        try:
            report = person_erase(email=email)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"accounts erased: {report.accounts}")
        for what, count in sorted(report.changed.items()):
            if count:
                self.stdout.write(f"{what}: {count}")
