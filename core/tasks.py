"""django-q2 tasks of core. Thin: they import their service inside the function."""


def idempotency_keys_expire() -> int:
    """Run hourly by a schedule (core migration 0005): forget Idempotency-Keys older than a day."""
    from core.idempotency import idempotency_keys_delete_expired

    return idempotency_keys_delete_expired()
