"""Demo users: the staff logins and generated people with Danish names.

Users have no services of their own (accounts only stores them), so they are created here
directly, all with the one demo password."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import User
from demo.logins import ADMIN, CONSULTANT, DEMO_PASSWORD, DemoError, Login

FIRST_NAMES = (
    "Freja", "Mathias", "Ida", "Magnus", "Sofie", "Emil", "Line", "Rasmus", "Maja", "Jonas",
    "Astrid", "Frederik", "Signe", "Mads", "Cecilie", "Kirsten", "Bjørn", "Trine", "Anders",
    "Nanna", "Kasper", "Malene", "Thøger", "Katrine", "Laurids", "Tove", "Asger", "Helle",
    "Esben", "Åse", "Jens", "Rikke", "Thor", "Sanne", "Mikkel", "Gry", "Søs", "Jørn", "Lærke",
    "Ditte",
)  # fmt: skip
LAST_NAMES = (
    "Sørensen", "Kjær", "Nørgaard", "Mølgaard", "Thomsen", "Larsen", "Kristensen", "Jørgensen",
    "Pedersen", "Madsen", "Dahl", "Holm", "Vestergaard", "Brøndum", "Højgaard", "Lund", "Skov",
    "Krogh", "Klitgaard", "Hjorth", "Møller", "Damgaard", "Tønnesen", "Aagaard", "Bæk",
    "Søgaard", "Lykke", "Fjordbæk", "Østerby", "Rævdal",
)  # fmt: skip

CONSULTANT_GROUP = "Matchkonsulenter"
# What the consultants' group may do: see everything, add and change companies and schools.
CONSULTANT_VIEWS = ("companies", "schools", "bookings", "adoptions", "core")
CONSULTANT_EDITS = ("companies", "schools")


class People:
    """Makes the demo's users: the logins, and people drawn without repetition from every
    combination of first and last name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # One hash for everyone: hashing is slow by design, and every demo user shares the password.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(self.names)

    def person(self) -> tuple[str, str]:
        """A first and last name nobody else in the demo has."""
        return self.names.pop()

    def login_user(self, login: Login, **fields: bool) -> User:
        return self._user(login.username, login.first_name, login.last_name, **fields)

    def generated_user(self) -> User:
        first, last = self.person()
        return self._user(f"{ascii_name(first)}.{ascii_name(last)}", first, last)

    def staff_create(self) -> None:
        """The administrator and the match consultant with the consultants' group."""
        self.login_user(ADMIN, is_staff=True, is_superuser=True)
        consultant = self.login_user(CONSULTANT, is_staff=True, is_consultant=True)
        group, _ = Group.objects.get_or_create(name=CONSULTANT_GROUP)
        group.permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label__in=CONSULTANT_VIEWS, codename__startswith="view_")
                | Q(content_type__app_label__in=CONSULTANT_EDITS, codename__regex=r"^(add|change)_")
            )
        )
        consultant.groups.add(group)

    def _user(self, username: str, first_name: str, last_name: str, **fields: bool) -> User:
        if User.objects.filter(username=username).exists():
            raise DemoError(f"A user named {username!r} already exists; load the demo into an empty database.")
        return User.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.dk",
            password=self.password_hash,
            phone=f"+45 {self.rng.randint(20, 61)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)} "
            f"{self.rng.randint(10, 99)}",
            **fields,
        )


def ascii_name(text: str) -> str:
    """Lower case without æ, ø and å, for usernames and web addresses."""
    for danish, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        text = text.replace(danish, plain)
    return text.lower()
