"""Load the North Jutland demo (used by `make run`); a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from demo import DEMO_LOGINS, DEMO_PASSWORD, DemoError
from demo.load import demo_load


class Command(BaseCommand):
    help = "Load demo companies, schools, offers, slots, bookings, class adoptions, open days and logins for North Jutland."

    def handle(self, *args: object, **options: object) -> None:
        try:
            counts = demo_load()
        except DemoError as error:
            raise CommandError(str(error)) from error
        if counts is None:
            self.stdout.write("Demo data already loaded.")
            return
        self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD!r} for every demo user):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.first_name} {login.last_name} — {login.role}")
