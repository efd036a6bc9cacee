"""A booking's e-mail writes its time in the recipient's language: Danish "mandag den 14.
december 2026 kl. 10:00", English the British way, "Monday 14 December 2026, 10:00"."""

from __future__ import annotations

from django.utils import timezone

from tests.notifications.conftest import body_text, deliver, make_visit, only_message

DANISH_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DANISH_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september"]
DANISH_MONTHS += ["oktober", "november", "december"]
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
ENGLISH_MONTHS += ["October", "November", "December"]
ENGLISH_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_invite_dates_read_british_in_english_and_danish_in_danish(db, mailbox):
    """An English-speaking teacher's invite says "Monday 14 December 2026, 10:00" in its
    subject and body; the Danish host's says "mandag den 14. december 2026 kl. 10:00"."""
    visit = make_visit(teacher_language="en")
    start = timezone.localtime(visit.slot.start)
    english = (
        f"{ENGLISH_WEEKDAYS[start.weekday()]} {start.day} {ENGLISH_MONTHS[start.month - 1]} {start.year}, {start:%H:%M}"
    )
    danish = (
        f"{DANISH_WEEKDAYS[start.weekday()]} den {start.day}. {DANISH_MONTHS[start.month - 1]} {start.year} "
        f"kl. {start:%H:%M}"
    )

    visit.book()
    received = deliver(mailbox)

    teacher, host = only_message(received, visit.teacher_email), only_message(received, visit.host_email)
    assert str(teacher["Subject"]).strip().endswith(english)
    assert f"Time: {english}–" in body_text(teacher)
    assert f"{start.day}. " not in body_text(teacher)
    assert str(host["Subject"]).strip().endswith(danish)
    assert f"Tidspunkt: {danish}–" in body_text(host)
