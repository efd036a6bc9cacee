"""Brobyg's own deployment check: `manage.py check --deploy` warns when the cache is local to
each process, because sign-in lockouts, API throttles and the open-day form's limit count in it
and would then multiply by the number of gunicorn workers and hosts."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def shared_cache_check(app_configs, **kwargs) -> list[Warning]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is local to each process: sign-in lockouts and API throttles do not hold "
            "across gunicorn workers and hosts.",
            hint="Set REDIS_URL (docs/deploy.md, docs/security.md).",
            id="brobyg.W001",
        )
    ]
