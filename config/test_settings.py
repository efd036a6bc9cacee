"""Test overrides: fast hashing, mail kept in memory, tasks run inline."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret")
# The test client speaks plain HTTP; tests of the HTTPS defaults start manage.py with their own
# environment (tests/core/test_production_settings.py).
os.environ.setdefault("HTTPS", "0")
# A fuzzing test sends thousands of API requests a minute from one address; tests of the
# throttles set their own rates (tests/security/test_throttles.py).
os.environ.setdefault("THROTTLE_ANON", "1000000/minute")
os.environ.setdefault("THROTTLE_USER", "1000000/minute")

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
