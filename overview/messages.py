"""E-mails of the overview through notifications' outbox: feedback links after an activity and
their one reminder."""


def register() -> None:
    """Register the overview's message sources with notifications."""
