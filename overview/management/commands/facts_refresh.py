"""Rebuild the dashboard's summary table for every school year with history (or those named)."""

from django.core.management.base import BaseCommand, CommandParser

from overview.facts import facts_refresh, years_with_history


class Command(BaseCommand):
    help = "Rebuild the overview's figures (the summary table of encounters) for every school year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int, help="school years (2026 = 2026/27); default: all")

    def handle(self, *args: object, years: list[int], **options: object) -> None:
        for year in years or years_with_history():
            rows = facts_refresh(school_year=year)
            self.stdout.write(f"{year}: {rows} encounters")
