"""The demo logins the README and the command's output point people to, and their password.
No models are imported here, so that `demo` can export these while Django loads its apps."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "brobyg-demo"


class DemoError(Exception):
    """The demo cannot be loaded into this database."""


@dataclass(frozen=True)
class Login:
    """A demo login the README and the command's output point people to."""

    username: str
    first_name: str
    last_name: str
    role: str


ADMIN = Login("admin", "Birgitte", "Nørgaard", "Administrator (superuser)")
CONSULTANT = Login("konsulent", "Mette", "Kjærgaard", "Matchkonsulent")
TEACHER = Login("laerer", "Louise", "Bækgaard", "Lærer, Vestbjerg Skole")
TEACHER2 = Login("laerer2", "Jesper", "Søndergaard", "Lærer, Fladstrand Skole")
HOST = Login("vaert", "Søren", "Østergaard", "Vært, Nordlys Software A/S")
HOST2 = Login("vaert2", "Camilla", "Bøgh", "Vært (administrator), Nordvind Service A/S")
DEMO_LOGINS = (ADMIN, CONSULTANT, TEACHER, TEACHER2, HOST, HOST2)
