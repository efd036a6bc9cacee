"""Import STEM initiatives from a CSV file (by default the report's 70, shipped with the project)
and print what became of each line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from overview.services import ImportReport, initiatives_import
from overview.services.initiatives import SHIPPED_CSV


def report_lines(report: ImportReport) -> list[str]:
    """The report as text: the counts, then each refused line with its reasons."""
    lines = [
        f"imported: {len(report.imported)}",
        f"updated: {len(report.updated)}",
        f"unchanged: {len(report.unchanged)}",
        f"refused: {len(report.refused)}",
    ]
    for line in report.refused:
        reasons = "; ".join(f"{column}: {message}" for column, message in line.problems)
        lines.append(f"  line {line.line} ({line.name or '?'}): {reasons}")
    return lines


class Command(BaseCommand):
    help = "Import STEM initiatives from a CSV file (default: the report's 70) and print the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(SHIPPED_CSV), help="A CSV file (UTF-8, comma or semicolon).")

    def handle(self, *args, path: str, **options) -> None:
        try:
            with open(path, "rb") as file:
                report = initiatives_import(actor=None, file=file)
        except OSError as error:
            raise CommandError(str(error)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        for line in report_lines(report):
            self.stdout.write(line)
