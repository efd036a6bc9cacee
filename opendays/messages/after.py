from notifications.registry import MessageSource


def sources() -> list[MessageSource]:
    """This concern's message sources (none yet)."""
    return []
