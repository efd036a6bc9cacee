"""What the overview holds about a person when they are erased (accounts.services.person_erase)."""

from __future__ import annotations

from accounts.models import User
from overview.models import Feedback, Initiative


def person_overview_erase(sender: object, *, users: list[User], email: str, **kwargs: object) -> dict[str, int]:
    """Feedback they were asked for keeps its scores (the averages) but not their comment, and
    its link stops working; an initiative whose contact names their address loses the contact."""
    comments = 0
    if users:
        comments = Feedback.objects.filter(recipient__in=users).update(comment="", link_nonce="", token_hash="")
    contacts = Initiative.objects.filter(contact__icontains=email).update(contact="")
    return {"feedback answers blanked": comments, "initiative contacts blanked": contacts}
