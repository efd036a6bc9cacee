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
    "django_filters",
    "drf_spectacular",
    "django_q",
    "csp",
    "axes",
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
    "core.middleware.RefusePlainHttpApi",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records refused requests and sign-ins in the audit log, after the answer (accounts/audit.py).
    "accounts.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it turns a lockout flagged by the sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed sign-ins before the password is checked (accounts/lockout.py).
# https://django-axes.readthedocs.io/en/latest/2_installation.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# A message claimed by a worker that died is sent again after this many seconds. A live worker
# renews its claim every third of this while it sends (notifications/delivery.py).
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=30)
# Retention (docs/privacy.md): after this many days a message sent (or given up) keeps no
# address, name, subject or context, and an audit entry no actor or details; the daily round
# notifications.tasks.retention_daily does it.
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=180)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Brobyg <brobyg@localhost>")
# Who hears of what needs an operator (the hourly slot counter check): comma-separated e-mail
# addresses. https://docs.djangoproject.com/en/5.2/ref/settings/#admins
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Brobyg] "
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
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "core.renderers.BrowsableAPIRenderer"],
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

# Security ------------------------------------------------------------------------------------
# docs/security.md maps each of these to the OWASP ASVS item it serves.
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/

# HTTPS is the default whenever DEBUG is off; HTTPS=0 serves a trial over plain HTTP (cookies
# without the Secure flag, no redirect, no HSTS), as the test suite, benchmarks and live
# tests on this machine do.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# A load balancer's health check asks over plain HTTP inside the network; a redirect would fail it.
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[r"^api/v1/ping/$"])
# The TLS-terminating proxy in front of gunicorn says the original scheme in this header and
# must overwrite whatever a client sent in it (docs/deploy.md). Empty: no proxy.
PROXY_SSL_HEADER = env.str("PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO" if HTTPS else "")
SECURE_PROXY_SSL_HEADER = (PROXY_SSL_HEADER, "https") if PROXY_SSL_HEADER else None
# A year of HSTS, subdomains included, once HTTPS works; shorter while trying it out.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a commitment made by submitting the domain to the browsers' list, and a region
# usually runs Brobyg on a subdomain it does not own the parent of: opt in with
# SECURE_HSTS_PRELOAD=1. Until then Django's reminder (W021) is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
# Over HTTPS the session cookie carries the __Host- prefix: browsers then accept it only with
# Secure, for the whole site and from this host itself, never set by a sibling subdomain. The
# CSRF cookie keeps its name: the browsable API's script reads it by that name.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
# A sign-in lasts two weeks from its session's last change (Django renews the expiry whenever the
# session is saved: signing in, a message shown).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
# Proxies in front of gunicorn that append to X-Forwarded-For; 0 means REMOTE_ADDR is the client
# (core/clients.py). Sign-in lockouts, throttles and the open-day form's limit count by it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PROXY_SSL_HEADER else 0)

# Content Security Policy on every response: scripts and styles only from Brobyg's own static
# files (no inline script anywhere: web/static/web/brobyg.js), nothing framed, no plugins.
# Style attributes stay allowed (`style-src-attr`): the plans' progress bars, the admin's and
# the browsable API's templates set widths with them; an attribute cannot load anything, since
# images and fonts come from 'self' only.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed sign-ins (web and the API's token endpoint) are counted in the default cache by account
# and by account and address, never by address alone: a school's teachers share one address.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_HANDLER = "accounts.lockout.SignInLockout"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
# Failures in a row from one address that lock that account from that address for the cool-off.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
# Failures from any addresses that lock the account everywhere for the cool-off: a guess spread
# over many addresses.
SIGNIN_ACCOUNT_FAILURE_LIMIT = env.int("SIGNIN_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.int("SIGNIN_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_RESET_ON_SUCCESS = True
# What the handler counts by, for axes' own checks and commands; accounts/lockout.py builds the
# keys, each with its own limit.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "web.views.lockout.locked_out"
# Successful sign-ins are not logged with their address: a row per sign-in is personal data
# Brobyg does not need.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Axes' admin pages list its database tables, which the cache-based handler leaves empty.
AXES_ENABLE_ADMIN = False

# API tokens: stored as their SHA-256, valid this many days after they were issued
# (accounts.models.ApiToken), revoked when their owner's password changes or the account is
# deactivated.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# Throttles count in the default cache, which is Redis in production, so a limit holds across
# every worker and host. The token endpoint is throttled per account it names.
# https://www.django-rest-framework.org/api-guide/throttling/
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env.str("THROTTLE_ANON", default="300/minute"),
    "user": env.str("THROTTLE_USER", default="1200/minute"),
    "token": env.str("THROTTLE_TOKEN", default="10/minute"),
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
