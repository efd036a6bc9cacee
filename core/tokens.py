"""What is stored of a secret link or address token: its SHA-256, so that neither the database
nor a copy of it opens anything. Calendar addresses, open-day links and feedback links share it."""

import hashlib


def token_hash(token: str) -> str:
    """The SHA-256 of a token, in hex: what a lookup compares."""
    return hashlib.sha256(token.encode()).hexdigest()
