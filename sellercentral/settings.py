"""Seller Central settings: one module, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies, a SECRET_KEY is required).
``DEBUG=true`` turns on the development mode that ``make run`` uses: a generated secret key
under ``var/``, SQLite at ``var/db.sqlite3``, kombu's filesystem broker under ``var/broker``
and a mailbox on disk shown at ``/dev/mailbox/``. Every value is checked at start-up and a
bad one stops the process with ``ImproperlyConfigured`` rather than misbehaving later.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from commerce.policy import WRITE_RATES as POLICY_WRITE_RATES

from .env import (
    cache_config,
    development_secret_key,
    env,
    env_bool,
    env_host_name,
    env_int,
    env_nameservers,
    env_networks,
    env_path,
    env_rate,
    env_rates,
    site_url_for_bind,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Runtime state of a development install (database, broker folders, mailbox, secret key).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
if DEBUG:
    VAR_DIR.mkdir(parents=True, exist_ok=True)


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = development_secret_key(VAR_DIR)
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "axes",
    "sellercentral",
    "commerce",
    "messaging",
    "returns",
    "metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "commerce.middleware.PartyLanguageMiddleware",
    # Every write on the pages against its author's rates, before the view can change anything.
    "sellercentral.throttling.WriteRateMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out sign-ins
]

ROOT_URLCONF = "sellercentral.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commerce.context_processors.current_parties",
            ],
            # money, day, pagination … on every page without a {% load %}.
            "builtins": ["commerce.templatetags.commerce"],
        },
    },
]

WSGI_APPLICATION = "sellercentral.wsgi.application"
ASGI_APPLICATION = "sellercentral.asgi.application"

# --- Database -------------------------------------------------------------------------
_default_database_url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}" if DEBUG else ""
_database_url = env.str("DATABASE_URL", default=_default_database_url)
if not _database_url:
    raise ImproperlyConfigured("DATABASE_URL is required when DEBUG is off")
if _database_url.split("://", 1)[0] not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database URL this product runs on (sqlite:// or postgres://)"
    )
DATABASES = {"default": env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file test database (not :memory:) so worker processes started by the tests see it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule for new passwords: Django tells every validator when a password has changed
    # (admin, changepassword, a reset), and this one revokes that user's API tokens then.
    {"NAME": "sellercentral.tokens.RevokeTokensOnPasswordChange"},
]
LOGIN_URL = "storefront:signin"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Sign-in throttling (django-axes): 5 failures for one username from one address lock that
# pair out for 15 minutes, on every sign-in form, the admin and the API token endpoint. The
# pair, not the username alone: an attacker elsewhere cannot lock the account's owner out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's, not the TLS proxy's (sellercentral/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "sellercentral.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "commerce.access.axes_username"
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# The proxies in front of the web processes (the TLS proxy), as CIDRs: only a request that
# comes from one of them has its X-Forwarded-For read, for the address the proxy saw. Empty
# (the default): every request's address is the one that connected, whatever it claims.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# --- Cache: rate-limit counters (and a few cached reads), one count for every process -------
# Development counts in files under var/cache, shared by every process `make run` starts
# (gunicorn's workers, the relay, Celery); production needs a cache every process on every
# machine shares: Redis. locmem:// is each process's own memory, for a single process (the
# tests): gunicorn with several workers and relay_smtpd --reuse-port refuse to start on it.
_cache_url = env.str("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}" if DEBUG else "")
if not _cache_url:
    raise ImproperlyConfigured(
        "CACHE_URL is required when DEBUG is off: redis://… (rate limits must be counted in a cache "
        "every process shares)"
    )
CACHES = {"default": cache_config("CACHE_URL", _cache_url)}
# How often buyers and sellers may write: commerce/policy.py's WRITE_RATES, any of which the
# environment may change ("contact_seller=40/hour,sign_in=10/minute"). API_WRITE_RATE is the
# older name of "writes".
WRITE_RATES = env_rates("WRITE_RATES", known=POLICY_WRITE_RATES)
if (_legacy_write_rate := env_rate("API_WRITE_RATE")) is not None:
    WRITE_RATES.setdefault("writes", _legacy_write_rate)

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The five marketplaces' languages: buyers see their storefront's, sellers their own choice.
LANGUAGES = [
    ("en-gb", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
# The product's named date formats per language (one style per page); the API keeps ISO 8601.
FORMAT_MODULE_PATH = ["sellercentral.formats"]

# --- Static files (served by whitenoise; no CDN anywhere) ---------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development serves straight from the apps' static folders; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts, styles and images from this site only; no
# inline script anywhere in our pages, so stored markup could not run even if it slipped
# past escaping. The API docs page (Swagger UI's inline bootstrap) is exempted in urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail ---------------------------------------------------------------------------
# Development keeps every sent mail as a file under var/mailbox, shown at /dev/mailbox/.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="sellercentral.mailbox.MailboxBackend"
    if DEBUG
    # Production signs every mail with the DKIM key of its From: domain (manage.py relay_dkim_keys).
    else "messaging.mailer.DKIMSigningSMTPBackend",
)
DEV_MAILBOX_DIR = VAR_DIR / "mailbox"
# Development-only pages (the dev mailbox); fixed here because tests switch DEBUG off.
DEV_TOOLS = env_bool("DEV_TOOLS", DEBUG)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Seller Central <no-reply@sellercentral.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute links in e-mails (labels, Manage Returns …). In development they follow the address
# `make run` serves on (WEB_BIND=127.0.0.1:8100 → http://127.0.0.1:8100), so a second copy
# on another port mails links to itself, not to the first.
WEB_BIND = env.str("WEB_BIND", default="127.0.0.1:8000")
SITE_URL = env.str("SITE_URL", default="").rstrip("/") or (
    site_url_for_bind(WEB_BIND) if DEBUG else "http://127.0.0.1:8000"
)
# The relay's SMTP port in development (the Procfile's relay process; the start banner names it).
RELAY_SMTP_PORT = env_int("RELAY_SMTP_PORT", 2525, minimum=1)

# Masked-address relay: one mail domain per marketplace. RELAY_DOMAINS overrides any of
# them as "uk=mail.example.co.uk,fr=mail.example.fr"; the rest follow RELAY_BASE_DOMAIN.
MARKETPLACE_CODES = ("uk", "fr", "de", "it", "es")
RELAY_BASE_DOMAIN = env.str("RELAY_BASE_DOMAIN", default="sellercentral.test")
RELAY_DOMAINS = {code: f"marketplace.{code}.{RELAY_BASE_DOMAIN}" for code in MARKETPLACE_CODES}
for _code, _domain in env.dict("RELAY_DOMAINS", default={}).items():
    if _code not in RELAY_DOMAINS:
        raise ImproperlyConfigured(f"RELAY_DOMAINS names an unknown marketplace {_code!r}")
    RELAY_DOMAINS[_code] = _domain.lower()
# Sender authentication (messaging/authentication.py): every SPF, DKIM and DMARC look-up
# goes to RELAY_DNS_NAMESERVERS ("10.0.0.2,127.0.0.1:5353"; empty = the system resolver).
# Mail from RELAY_TRUSTED_NETWORKS counts as an aligned SPF pass. The inbound webhook trusts
# only Authentication-Results headers stamped with RELAY_AUTHSERV_ID (empty: none).
RELAY_DNS_NAMESERVERS = env_nameservers("RELAY_DNS_NAMESERVERS")
RELAY_TRUSTED_NETWORKS = env_networks("RELAY_TRUSTED_NETWORKS")
# Our own MX hosts (Postfix with smtp_send_xforward_command = yes) in front of the relay: only
# they may name the original client with XFORWARD, and their mail is judged by it.
RELAY_MX_NETWORKS = env_networks("RELAY_MX_NETWORKS")
RELAY_AUTHSERV_ID = env.str("RELAY_AUTHSERV_ID", default="").strip()
if RELAY_AUTHSERV_ID and not re.fullmatch(r"[A-Za-z0-9._-]+", RELAY_AUTHSERV_ID):
    raise ImproperlyConfigured(f"RELAY_AUTHSERV_ID must be a host name, not {RELAY_AUTHSERV_ID!r}")
# Outbound DKIM (messaging/dkim.py): <RELAY_DKIM_KEY_DIR>/<domain>.<selector>.pem, made by
# `manage.py relay_dkim_keys`, which prints the DNS records to publish.
RELAY_DKIM_SELECTOR = env.str("RELAY_DKIM_SELECTOR", default="sc1").strip().lower()
if not re.fullmatch(
    r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*", RELAY_DKIM_SELECTOR
):
    raise ImproperlyConfigured(f"RELAY_DKIM_SELECTOR must be a DNS label, not {RELAY_DKIM_SELECTOR!r}")
RELAY_DKIM_KEY_DIR = Path(env.str("RELAY_DKIM_KEY_DIR", default=str(VAR_DIR / "dkim")))
INBOUND_EMAIL_SECRET = env.str("INBOUND_EMAIL_SECRET", default="")
if not INBOUND_EMAIL_SECRET:
    if not DEBUG:
        raise ImproperlyConfigured("INBOUND_EMAIL_SECRET is required when DEBUG is off")
    INBOUND_EMAIL_SECRET = "dev-inbound-secret"  # noqa: S105 (development only)
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
# The relay's limits (messaging/smtp_limits.py): mails per envelope sender and per masked
# address ("60/hour"; empty: messaging/policy.py's defaults), sessions per relay process.
RELAY_RATE_PER_SENDER = env_rate("RELAY_RATE_PER_SENDER")
RELAY_RATE_PER_ALIAS = env_rate("RELAY_RATE_PER_ALIAS")
RELAY_MAX_SESSIONS = env_int("RELAY_MAX_SESSIONS", 100, minimum=1)
# Threads of one relay process doing its database work, a connection each; and how long the
# sends of the mails it takes are gathered before they are queued as one task (0: one each).
RELAY_DATABASE_THREADS = env_int("RELAY_DATABASE_THREADS", 4, minimum=1)
RELAY_SEND_BATCH_MS = env_int("RELAY_SEND_BATCH_MS", 50)
# A buyer's mail whose sender could not be authenticated is refused, like anyone's; an
# operator whose buyers write from domains without SPF or DKIM may take it instead, shown with a
# warning and not counted in Contact Response Time. Sellers' mail is always authenticated.
RELAY_ACCEPT_UNVERIFIED_BUYERS = env_bool("RELAY_ACCEPT_UNVERIFIED_BUYERS", False)
# The relay's name in its SMTP greeting and in the EHLO of outbound mail: the name the
# outbound address's PTR record gives, never the machine's own (messaging/mailer.py).
RELAY_HOSTNAME = env_host_name("RELAY_HOSTNAME", f"relay.{RELAY_BASE_DOMAIN}")
# STARTTLS on the relay's SMTP server (messaging/smtp_tls.py): a PEM certificate (chain) and
# its key; empty = no STARTTLS offered. The key may sit in the certificate's file. The relay
# loads both at start and refuses to start when it cannot.
RELAY_TLS_CERT = env_path("RELAY_TLS_CERT")
RELAY_TLS_KEY = env_path("RELAY_TLS_KEY")
if RELAY_TLS_KEY and not RELAY_TLS_CERT:
    raise ImproperlyConfigured("RELAY_TLS_KEY is set without RELAY_TLS_CERT")

# --- Celery ---------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://" if DEBUG else "")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL is required when DEBUG is off")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss"}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be filesystem:// or redis://, not {CELERY_BROKER_URL!r}"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: one folder read and written by every process (in == out).
    for _folder in ("in", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # broadcast (remote control) exchanges
        "store_processed": False,
        "polling_interval": 0.2,  # seconds between looks at the folder: a task starts within it
    }
else:
    # A task unacknowledged this long (its worker died) is given to another worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
    }
# Deployments sharing one Redis (or the tests' own worker) keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves it for another one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 60, minimum=1)
# How often beat runs each sweep (the stored-deadline timers); a deadline is acted on
# within one interval.
OUTBOX_SWEEP_INTERVAL_SECONDS = env_int("OUTBOX_SWEEP_INTERVAL_SECONDS", 60, minimum=1)
RETURN_TIMERS_INTERVAL_SECONDS = env_int("RETURN_TIMERS_INTERVAL_SECONDS", 60, minimum=1)
RESPONSE_TIMER_INTERVAL_SECONDS = env_int("RESPONSE_TIMER_INTERVAL_SECONDS", 60, minimum=1)
# The seller is warned this many hours before a buyer message's 24 hours run out.
RESPONSE_WARNING_HOURS = env_int("RESPONSE_WARNING_HOURS", 4, minimum=1)

# --- REST API -------------------------------------------------------------------------
# API tokens (django-rest-knox, sellercentral/tokens.py): a new one per sign-in, kept only as
# a digest, valid this long; DELETE on the token path, a browser sign-out or a password
# change revokes them sooner.
API_TOKEN_TTL = timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 10, minimum=1))
REST_KNOX = {
    "TOKEN_TTL": API_TOKEN_TTL,
    "AUTH_HEADER_PREFIX": "Token",  # ``Authorization: Token <token>``, as clients already send
    "AUTO_REFRESH": False,  # the expiry is fixed at sign-in: use does not prolong a stolen token
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sellercentral.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DATETIME_FORMAT": "iso-8601",
    # Writes are counted per user (or client address when anonymous) against WRITE_RATES,
    # with the pages' writes (sellercentral/ratelimit.py); reads are not.
    "DEFAULT_THROTTLE_CLASSES": [
        "sellercentral.api.WriteRateThrottle",
        "sellercentral.api.ActionRateThrottle",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    # Services' ValidationError → 400 by field, TransitionRefused → 409, in one place.
    "EXCEPTION_HANDLER": "sellercentral.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Seller Central API",
    "DESCRIPTION": "Buyer-seller messaging, contact response time and the Online Returns Centre.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "commerce.models.Order.Status",
        "ReturnStatusEnum": "returns.models.ReturnStatus",
        "ClaimStatusEnum": "returns.models.Claim.Status",
        "ReturnReasonEnum": "returns.models.ReturnReason",
        "ClaimReasonEnum": "returns.models.Claim.Reason",
        "DenyReasonEnum": "returns.models.DenyReason",
        "HealthStatusEnum": ["good", "at_risk", "no_data"],
    },
}

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
