"""Test overrides: fast hashing, mail kept in memory, tasks run inline."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret")

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
