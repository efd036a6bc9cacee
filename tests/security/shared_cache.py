"""The Redis database of the security tests (3: each part of the suite has its own, so tests
running at once do not clear each other's keys)."""

from tests.live import redis_url

REDIS_DATABASE = 3


def redis_location() -> str:
    """TEST_REDIS_URL with the database number replaced by REDIS_DATABASE."""
    url = redis_url()
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{REDIS_DATABASE}"
