"""The overview's scheduled tasks: thin, importing their service inside the function."""


def facts_refresh_recent() -> int:
    """Rebuild the dashboard's figures for the current and the previous school year."""
    from overview.facts import facts_refresh_recent as refresh

    return refresh()
