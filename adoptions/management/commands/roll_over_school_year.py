"""Roll the adoptions over at the end of a school year (run on 1 August, or by hand)."""

from django.core.management.base import BaseCommand, CommandParser

from adoptions.services import last_school_year, school_year_roll_over


class Command(BaseCommand):
    help = (
        "End the running adoptions of a school year; confirmed 8th-grade adoptions continue into 9th grade. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--school-year",
            type=int,
            default=None,
            help="The school year that ends (2026 means 2026/27); default: the one before today's.",
        )

    def handle(self, *args: object, school_year: int | None = None, **options: object) -> None:
        year = school_year if school_year is not None else last_school_year()
        if not 2000 <= year <= 2100:
            self.stderr.write("The school year must be from 2000 to 2100.")
            return
        result = school_year_roll_over(school_year=year)
        self.stdout.write(f"School year {year}: {result.continued} adoptions continued, {result.ended} ended.")
