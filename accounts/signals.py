"""Signals accounts sends to the apps above it, which know what they hold about a person;
accounts knows none of them."""

from django.dispatch import Signal

# Sent by accounts.services.person_erase inside its transaction, before the accounts are
# blanked: `users` are the person's accounts (possibly none: a pupil has no account), `email`
# the address erased (lower case). A receiver erases what its app holds about them and
# returns a {what: how many} dict for the report; an exception rolls the whole erasure back.
person_erasing = Signal()
