"""E-mails of open days through notifications' outbox, one module per concern, each with its own
subject type and a `source()` giving its MessageSource:

- applications.py: e-mail confirmation and guardian consent links, changes, withdrawal, expiry;
- publication.py: the placement with a calendar invite (applicant, guardian, the teacher who
  applied), each host's participant list with an invite, reminders before the day;
- after.py: freed-place offers, survey links, erasure receipts.

Links are rendered at delivery from Application.link_token, so no token is stored in the outbox.
Personal data of pupils goes only into e-mails to the pupil, her guardian or her teacher, and to
the host after publication; never into feeds or logs."""

from notifications import registry


def register() -> None:
    """Register every open-day message source with notifications."""
    from opendays.messages import after, applications, publication

    for module in (applications, publication, after):
        for source in module.sources():
            registry.register_messages(source)
