"""Real servers and independent parsers for the notification tests.

- `smtp_server` (per module) is an aiosmtpd server on a free loopback port that keeps every
  message it receives as raw bytes; `mailbox` (per test) empties it and points Django's SMTP
  backend at it.
- `caldav` (per module) is a Radicale CalDAV server run as a subprocess on a free loopback
  port, with a temporary storage folder and no authentication; `put_calendar` stores a
  calendar in a fresh calendar collection the way a CalDAV client would.
- `assert_valid_calendar` parses calendar bytes with icalendar, vobject and ical (three
  independent implementations), checks that they agree and returns what they read.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote

import icalendar
import pytest
import vobject
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from ical.calendar_stream import IcsCalendarStream

from bookings import services
from bookings.models import Booking, Offer, Slot
from companies.models import Company, CompanyMember, RoleModel
from core.dates import holiday_name
from notifications.calendar import COPENHAGEN
from notifications.delivery import deliver_due
from schools.models import SchoolClass, Teacher
from tests import factories

LOOPBACK = "127.0.0.1"
SERVER_START_TIMEOUT = 15.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# SMTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message as the SMTP server got it: envelope and raw bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def parsed(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default_policy)


class _Collector:
    """aiosmtpd handler: keeps each message; answers 250 only once it is stored, so a message
    is in `received` by the time Django's send_messages() returns."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or envelope.content
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(content)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: _Collector = field(default_factory=_Collector)
    controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.collector, hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.collector.lock:
            return list(self.collector.received)

    def clear(self) -> None:
        with self.collector.lock:
            self.collector.received.clear()

    def messages(self) -> list[EmailMessage]:
        return [message.parsed() for message in self.received]

    def messages_to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope went to `address` (case-insensitive)."""
        return [
            message.parsed()
            for message in self.received
            if address.lower() in (recipient.lower() for recipient in message.rcpt_tos)
        ]


def use_smtp(settings, port: int) -> None:
    """Point Django's real SMTP backend at a loopback port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = LOOPBACK
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@contextlib.contextmanager
def running_smtp_server(port: int | None = None):
    server = SmtpServer(LOOPBACK, port or free_port()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def smtp_server():
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def mailbox(smtp_server: SmtpServer, settings) -> SmtpServer:
    """The module's SMTP server, emptied, with Django sending to it over SMTP."""
    smtp_server.clear()
    use_smtp(settings, smtp_server.port)
    yield smtp_server
    smtp_server.clear()


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) <= 1, "an invite carries exactly one calendar"
    return parts[0] if parts else None


def calendar_bytes(message: EmailMessage) -> bytes:
    part = calendar_part(message)
    assert part is not None, f"no text/calendar part in {message['Subject']!r}"
    return part.get_payload(decode=True)


def body_text(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} body in {message['Subject']!r}"
    return part.get_content()


# Calendar parsing --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedEvent:
    """One VEVENT as one parser read it. `start` and `end` are aware datetimes."""

    parser: str
    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str
    status: str


@dataclass
class ParsedCalendar:
    method: str | None
    events: list[ParsedEvent]  # as icalendar read them, in file order
    by_parser: dict[str, list[ParsedEvent]]
    icalendar: icalendar.Calendar
    vobject: object
    ical: object

    @property
    def event(self) -> ParsedEvent:
        assert len(self.events) == 1, f"expected one event, found {len(self.events)}"
        return self.events[0]

    def component(self, uid: str | None = None) -> icalendar.Event:
        """The icalendar VEVENT (for properties with parameters: ORGANIZER, ATTENDEE, …)."""
        events = self.icalendar.walk("VEVENT")
        if uid is not None:
            events = [event for event in events if str(event["UID"]) == uid]
        assert len(events) == 1
        return events[0]


def _from_icalendar(calendar: icalendar.Calendar) -> list[ParsedEvent]:
    return [
        ParsedEvent(
            parser="icalendar",
            uid=str(event["UID"]),
            sequence=int(event.get("SEQUENCE", 0)),
            start=event.decoded("DTSTART"),
            end=event.decoded("DTEND"),
            summary=str(event.get("SUMMARY", "")),
            location=str(event.get("LOCATION", "")),
            description=str(event.get("DESCRIPTION", "")),
            status=str(event.get("STATUS", "")),
        )
        for event in calendar.walk("VEVENT")
    ]


def _from_vobject(calendar) -> list[ParsedEvent]:
    def text(event, name: str) -> str:
        return getattr(event, name).value if hasattr(event, name) else ""

    return [
        ParsedEvent(
            parser="vobject",
            uid=event.uid.value,
            sequence=int(text(event, "sequence") or 0),
            start=event.dtstart.value,
            end=event.dtend.value,
            summary=text(event, "summary"),
            location=text(event, "location"),
            description=text(event, "description"),
            status=text(event, "status"),
        )
        for event in calendar.vevent_list
    ]


def _from_ical(calendar) -> list[ParsedEvent]:
    def status(event) -> str:
        value = event.status
        return "" if value is None else str(getattr(value, "value", value))

    return [
        ParsedEvent(
            parser="ical",
            uid=event.uid,
            sequence=int(event.sequence or 0),
            start=event.dtstart,
            end=event.dtend,
            summary=event.summary or "",
            location=event.location or "",
            description=event.description or "",
            status=status(event),
        )
        for event in calendar.events
    ]


def _comparable(event: ParsedEvent) -> tuple:
    assert event.start.tzinfo is not None and event.end.tzinfo is not None, f"{event.parser}: floating time"
    return (
        event.uid,
        event.sequence,
        event.start.astimezone(dt.UTC),
        event.end.astimezone(dt.UTC),
        event.summary,
        event.location,
        event.description,
        event.status,
    )


def assert_valid_calendar(data: bytes, *, ours: bool = True) -> ParsedCalendar:
    """Parse `data` with icalendar, vobject and ical; fail unless all three read it and agree
    on every event (UID, SEQUENCE, start and end instants, texts, STATUS).

    Brobyg's own files (`ours`) must also end lines with CRLF and fold them at 75 octets
    (RFC 5545 3.1), counting the bytes of æ, ø and å; other writers (Radicale serving an event
    back folds at 75 characters) are only held to being readable."""
    assert isinstance(data, bytes)
    text = data.decode("utf-8")  # RFC 5545: UTF-8
    if ours:
        assert data.startswith(b"BEGIN:VCALENDAR\r\n"), "lines must end with CRLF"
        assert b"\n" not in data.replace(b"\r\n", b""), "lines must end with CRLF"
        long_lines = [line for line in data.split(b"\r\n") if len(line) > 75]
        assert not long_lines, f"lines must be folded at 75 octets: {long_lines}"

    ical_calendar = icalendar.Calendar.from_ical(data)
    vobject_calendar = vobject.readOne(text)
    ical_stream_calendar = IcsCalendarStream.calendar_from_ics(text)

    by_parser = {
        "icalendar": _from_icalendar(ical_calendar),
        "vobject": _from_vobject(vobject_calendar),
        "ical": _from_ical(ical_stream_calendar),
    }
    expected = [_comparable(event) for event in by_parser["icalendar"]]
    assert expected, "the calendar has no VEVENT"
    for name, events in by_parser.items():
        assert [_comparable(event) for event in events] == expected, f"{name} reads the calendar differently"

    method = ical_calendar.get("METHOD")
    vobject_method = vobject_calendar.method.value if hasattr(vobject_calendar, "method") else None
    assert vobject_method == (str(method) if method is not None else None)
    return ParsedCalendar(
        method=str(method) if method is not None else None,
        events=by_parser["icalendar"],
        by_parser=by_parser,
        icalendar=ical_calendar,
        vobject=vobject_calendar,
        ical=ical_stream_calendar,
    )


# CalDAV ------------------------------------------------------------------------------------


@dataclass
class CalDavServer:
    host: str
    port: int
    user: str = "brobyg"

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        credentials = base64.b64encode(f"{self.user}:unused".encode()).decode()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(
                method, path, body=body, headers={"Authorization": f"Basic {credentials}"} | (headers or {})
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def new_calendar(self) -> str:
        """A fresh, empty calendar collection; returns its path (ending in /)."""
        path = f"/{self.user}/{uuid.uuid4().hex}/"
        status, body = self.request("MKCALENDAR", path)
        assert status == 201, f"MKCALENDAR {path}: {status} {body[:500]!r}"
        return path

    def get(self, path: str) -> bytes:
        status, body = self.request("GET", path)
        assert status == 200, f"GET {path}: {status} {body[:500]!r}"
        return body


def _split_by_uid(data: bytes) -> dict[str, bytes]:
    """One calendar object resource per UID, as RFC 4791 (4.1) requires, each with the
    calendar's own properties and time zones. A calendar with one UID is kept byte for byte."""
    calendar = icalendar.Calendar.from_ical(data)
    uids = list(dict.fromkeys(str(event["UID"]) for event in calendar.walk("VEVENT")))
    if len(uids) == 1:
        return {uids[0]: data}
    resources = {}
    for uid in uids:
        resource = icalendar.Calendar()
        for name, value in calendar.property_items(recursive=False):
            if name not in ("BEGIN", "END"):
                resource.add(name, value)
        for component in calendar.subcomponents:
            if component.name != "VEVENT" or str(component["UID"]) == uid:
                resource.add_component(component)
        resources[uid] = resource.to_ical()
    return resources


def put_calendar(server: CalDavServer, data: bytes, *, collection: str | None = None) -> dict[str, str]:
    """Store `data` in a calendar collection (a new one unless given) with one PUT per UID,
    as a CalDAV client does; each PUT must be answered 201 Created or 204 No Content.
    Returns {uid: path of the stored object}."""
    collection = collection or server.new_calendar()
    paths = {}
    for uid, resource in _split_by_uid(data).items():
        path = f"{collection}{quote(uid, safe='')}.ics"
        status, body = server.request("PUT", path, resource, {"Content-Type": "text/calendar; charset=utf-8"})
        assert status in (201, 204), f"Radicale refused {uid}: {status} {body[:1000]!r}"
        paths[uid] = path
    return paths


def _wait_until_serving(process: subprocess.Popen, server: CalDavServer, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Radicale exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError):
            status, _ = server.request("OPTIONS", "/")
            if status < 500:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Radicale did not start within {SERVER_START_TIMEOUT}s:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def running_radicale():
    folder = Path(tempfile.mkdtemp(prefix="brobyg-radicale-"))
    server = CalDavServer(LOOPBACK, free_port())
    log = folder / "radicale.log"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("RADICALE")}
    environment["HOME"] = str(folder)  # no user configuration file
    command = [
        sys.executable,
        "-m",
        "radicale",
        f"--storage-filesystem-folder={folder / 'collections'}",
        f"--server-hosts={server.host}:{server.port}",
        "--auth-type=none",
        "--logging-level=warning",
        "--config",  # with no paths: read no configuration file
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=environment, cwd=folder)
    try:
        _wait_until_serving(process, server, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def caldav():
    with running_radicale() as server:
        yield server


# A company visit with Danish names everywhere --------------------------------------------


def school_day(days_ahead: int, hour: int = 10, *, after: dt.date | None = None) -> dt.datetime:
    """`hour` o'clock Copenhagen time on the first weekday at least `days_ahead` days after
    `after` (today by default) that is no public or school holiday (so slots may be moved
    there)."""
    day = (after or timezone.localdate()) + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN)


def in_language(language: str, msgid: str) -> str:
    """`msgid` as the project translates it into `language` (itself if not translated yet)."""
    with translation.override(language):
        return gettext(msgid)


@dataclass
class Visit:
    """A company visit offer with two slots, its host, a role model on both slots and a
    teacher with a class: the people who hear about a booking."""

    company: Company
    host: CompanyMember
    role_model: RoleModel
    offer: Offer
    slot: Slot
    other_slot: Slot
    teacher: Teacher
    school_class: SchoolClass

    @property
    def teacher_email(self) -> str:
        return self.teacher.user.email

    @property
    def host_email(self) -> str:
        return self.host.user.email

    @property
    def role_model_email(self) -> str:
        return self.role_model.email

    @property
    def everyone(self) -> set[str]:
        return {self.teacher_email, self.host_email, self.role_model_email}

    def book(self, *, slot: Slot | None = None, pupils: int = 21, adults: int = 2) -> Booking:
        """Book, and write the booking's messages as the delivery task does within a second."""
        booking = services.booking_create(
            actor=self.teacher.user,
            slot_id=(slot or self.slot).pk,
            school_class_id=self.school_class.pk,
            pupils=pupils,
            adults=adults,
        )
        services.bookings_announce_new()
        return booking


def make_visit(*, auto_confirm: bool = True, teacher_language: str = "da") -> Visit:
    company = factories.CompanyFactory(
        name="Bølge & Strøm Værft A/S",
        address="Skibsbyggervej 7",
        postcode="9400",
        city="Nørresundby",
        phone="+45 98 17 00 00",
        email="kontakt@boelge-stroem.example.dk",
    )
    host = factories.CompanyMemberFactory(
        company=company,
        user__username="aase",
        user__first_name="Åse",
        user__last_name="Bækgård",
        user__email="aase.baekgaard@example.dk",
        user__phone="+45 21 43 65 87",
    )
    role_model = factories.RoleModelFactory(
        company=company, name="Maja Østergård", job_title="Elektrikerlærling", email="maja.oestergaard@example.dk"
    )
    offer = factories.OfferFactory(
        company=company,
        contact=host,
        title="Besøg på værftet: sådan bygges en færge",
        description="Se hvordan en færge bliver svejset, malet og søsat.",
        meeting_point="Den blå port ved Ærøvej 3",
        practical_notes="Medbring sikkerhedssko og madpakke. Høreværn får I udleveret.",
        auto_confirm=auto_confirm,
    )
    slots = []
    first_day = school_day(14)
    for start in (first_day, school_day(7, after=first_day.date())):
        slot = factories.SlotFactory(
            offer=offer, start=start, end=start + dt.timedelta(hours=2), booking_deadline=start - dt.timedelta(days=1)
        )
        slot.role_models.set([role_model])
        slots.append(slot)
    school = factories.SchoolFactory(name="Sønderbro Skole", city="Hjørring")
    teacher = factories.TeacherFactory(
        school=school,
        user__username="soeren",
        user__first_name="Søren",
        user__last_name="Ærø",
        user__email="soeren.aeroe@example.dk",
        user__language=teacher_language,
    )
    school_class = factories.SchoolClassFactory(school=school, name="8.Ø", grade=8, pupils=23)
    return Visit(company, host, role_model, offer, slots[0], slots[1], teacher, school_class)


@pytest.fixture
def visit(db) -> Visit:
    """An offer that confirms bookings at once."""
    return make_visit()


@pytest.fixture
def manual_visit(db) -> Visit:
    """An offer whose host confirms or declines each request."""
    return make_visit(auto_confirm=False)


def deliver(mailbox: SmtpServer) -> dict[str, list[EmailMessage]]:
    """Run one delivery and return what it sent, by recipient. Each e-mail goes to exactly one
    recipient."""
    mailbox.clear()
    deliver_due()
    by_recipient: dict[str, list[EmailMessage]] = {}
    for received in mailbox.received:
        assert len(received.rcpt_tos) == 1, f"one recipient per e-mail, not {received.rcpt_tos}"
        by_recipient.setdefault(received.rcpt_tos[0].lower(), []).append(received.parsed())
    return by_recipient


def only_message(by_recipient: dict[str, list[EmailMessage]], address: str) -> EmailMessage:
    messages = by_recipient.get(address.lower(), [])
    assert len(messages) == 1, f"{address} got {len(messages)} e-mails: {[m['Subject'] for m in messages]}"
    return messages[0]


def invite_calendar(message: EmailMessage) -> ParsedCalendar:
    """The calendar of an invite e-mail, checked with all three parsers; the part's
    Content-Type method=… must be the calendar's METHOD (RFC 6047)."""
    part = calendar_part(message)
    assert part is not None, f"no calendar in {message['Subject']!r}"
    parsed = assert_valid_calendar(part.get_payload(decode=True))
    assert part.get_param("method") == parsed.method
    assert part.get_content_charset() == "utf-8"
    return parsed


def organizer_email() -> str:
    return django_settings.CALENDAR_ORGANIZER_EMAIL
