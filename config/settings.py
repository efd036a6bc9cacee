"""
Brobyg settings: one module, read from the environment, with embedded defaults.

Without any environment the product runs on SQLite, django-q2's ORM broker, a
local-memory cache and e-mail written as .eml files under var/mail/.
Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and
leaves DEBUG off; it refuses to start without a SECRET_KEY.
See https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the installation, used in links inside e-mails and calendar files.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_q",
    "core",
    "accounts",
    "companies",
    "schools",
    "bookings",
    "adoptions",
    "opendays",
    "overview",
    "notifications",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Each message once, however often the form behind it was sent before its page was shown.
# https://docs.djangoproject.com/en/5.2/ref/contrib/messages/#configuring-the-message-engine
MESSAGE_STORAGE = "core.messages.UniqueMessageStorage"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context_processors.role",
            ],
        },
    },
]

# Database: https://docs.djangoproject.com/en/5.2/ref/databases/
# The embedded default is SQLite in WAL mode. Writes start with BEGIN IMMEDIATE so that
# concurrent writers queue on the write lock (up to `timeout` seconds) instead of failing
# half-way through a transaction with "database is locked".
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["NAME"] == str(SQLITE_PATH):
    VAR_DIR.mkdir(exist_ok=True)  # var/ is git-ignored, so a fresh clone does not have it
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# Keep connections open between requests: opening one (and, on SQLite, running the PRAGMAs
# above) costs more than a whole booking.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# A reset link is asked for by its owner and used at once; a day is plenty.
# https://docs.djangoproject.com/en/5.2/ref/settings/#password-reset-timeout
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)
# An invitation waits in someone else's inbox, so its set-password link lives longer (accounts.tokens).
INVITATION_TIMEOUT = env.int("INVITATION_TIMEOUT", default=3 * 24 * 60 * 60)

# Internationalisation: Danish first, English second, Copenhagen time.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates per language, named in templates ("WEEKDAY_DATE_FORMAT"): British English, Danish.
# https://docs.djangoproject.com/en/5.2/ref/settings/#format-module-path
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve app static files straight from the apps, so no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True

# Cache and task broker: Redis when REDIS_URL is set, otherwise local memory and the ORM broker.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-q2: https://django-q2.readthedocs.io/en/master/configure.html
Q_CLUSTER = {
    "name": "brobyg",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 120,
    "catch_up": False,
    # The task queue's name in the admin, translated like its model names (locale/da).
    "label": _("Tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# E-mail: EMAIL_URL (e.g. smtp+tls://user:pass@host:587) or one .eml file per message in var/mail/.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "notifications.backends.EmlFileBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# A mail server that hangs must not hold a delivery worker until django-q2 kills it. Seconds per
# socket operation; the delivery task claims messages for Q_CLUSTER["timeout"] less this and a
# margin (notifications/tasks.py), so keep it well below that timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# A message claimed by a worker that died is sent again after this many seconds.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=300)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Brobyg <brobyg@localhost>")
# The ORGANIZER of every calendar invite. When a teacher or host presses Accept or Decline,
# their calendar sends its METHOD:REPLY to this mailbox; Brobyg does not read replies yet,
# so point it at a mailbox a person (or a later import) watches.
CALENDAR_ORGANIZER_EMAIL = env.str("CALENDAR_ORGANIZER_EMAIL", default="brobyg@localhost")

# Reminders: days before a visit (each offer may set its own), and when to nudge a host who
# has not answered a request.
REMINDER_DAYS = [int(day) for day in env.list("REMINDER_DAYS", default=["7", "1"])]
PENDING_NUDGE_DAYS = env.int("PENDING_NUDGE_DAYS", default=3)
# Cancelled bookings stay in calendar feeds (as STATUS:CANCELLED) for this many days.
FEED_KEEP_CANCELLED_DAYS = env.int("FEED_KEEP_CANCELLED_DAYS", default=30)

# Django REST framework: https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "schools.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brobyg API",
    "DESCRIPTION": "Bookings of company visits, expert visits and teacher visits.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a choice field named "status" or "kind" with choices of their own; by
    # default each would get a name like "Status635Enum" that changes whenever the choices do.
    # One name a choice set, after its model, keeps the clients' generated types stable.
    "ENUM_NAME_OVERRIDES": {
        "OfferKindEnum": "bookings.models.Offer.Kind",
        "SlotStatusEnum": "bookings.models.Slot.Status",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "SchoolKindEnum": "schools.models.School.Kind",
        "GradeEnum": "schools.models.Grade",
        "WeekdayEnum": "adoptions.models.Weekday",
        "AdoptionRoundStatusEnum": "adoptions.models.AdoptionRound.Status",
        "PairRuleKindEnum": "adoptions.models.PairRule.Kind",
        "MatchRunStatusEnum": "adoptions.models.MatchRun.Status",
        "ProposedPairBasisEnum": "adoptions.models.ProposedPair.Basis",
        "AdoptionStatusEnum": "adoptions.models.Adoption.Status",
        "PlanActivityKindEnum": "adoptions.models.PlanActivity.Kind",
        "PlanActivityStatusEnum": "adoptions.models.PlanActivity.Status",
        "OpenDayStatusEnum": "opendays.models.OpenDay.Status",
        "GenderFocusEnum": "opendays.models.OpenDay.GenderFocus",
        "InitiativeGeographyEnum": "overview.models.Initiative.Geography",
        "InitiativeKindEnum": "overview.models.Initiative.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_link_tokens": {"()": "web.log_filters.RedactLinkTokens"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_link_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_link_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Django's default handlers (a console one while DEBUG is on, and runserver's request lines)
    # would write a link's token unredacted: Django's records go through the redacting ones.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
