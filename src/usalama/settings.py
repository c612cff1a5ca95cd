"""Django settings for usalama.

Everything an operator sets comes from ``USALAMA_*`` environment variables (documented in
``docs/reference/settings.md``); defaults give a working embedded install on SQLite in
``var/`` with no other service running.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("USALAMA_VAR_DIR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """A key from the environment, else one generated once and kept beside the database.

    Never committed, never logged: the file is created with mode 0600.
    """
    from_env = os.environ.get("USALAMA_SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Early intervention: a model version whose fairness disparity exceeds this needs a sign-off.
EIS_DISPARITY_BOUND = float(os.environ.get("USALAMA_EIS_DISPARITY_BOUND", "1.25"))
# Public portal: no published count from 1 to k-1 (docs/public-portal.md); below 3 is refused.
USALAMA_PUBLIC_K = int(os.environ.get("USALAMA_PUBLIC_K", "5"))
if USALAMA_PUBLIC_K < 3:
    raise ImproperlyConfigured(f"USALAMA_PUBLIC_K must be at least 3, not {USALAMA_PUBLIC_K}")
DEBUG = _env_bool("USALAMA_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("USALAMA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
        ","
    )
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("USALAMA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",  # so /api/v1/docs serves Swagger UI from ninja's static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "usalama.accounts",
    "usalama.audit",
    "usalama.records",
    "usalama.network",
    "usalama.policing",
    "usalama.money",
    "usalama.web",
    "usalama.intake",
    "usalama.resolve",
    "usalama.cases",
    "usalama.watchlists",
    "usalama.administration",
    "usalama.sharing",
    "usalama.oversight",
    "usalama.wellness",
    "usalama.public",
    "usalama.kpis",
    "usalama.community",
    "usalama.comms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "usalama.api.limits.ApiUploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "usalama.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "usalama.web.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "usalama.web.errors.UsalamaErrorMiddleware",
    "usalama.audit.middleware.AuditRefusalsMiddleware",
]

ROOT_URLCONF = "usalama.urls"
WSGI_APPLICATION = "usalama.wsgi.application"
ASGI_APPLICATION = "usalama.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "usalama.web.context.shell",
            ],
        },
    },
]

# --- database: embedded SQLite by default, PostgreSQL with USALAMA_DATABASE_URL -------------
SQLITE_PATH = VAR_DIR / "usalama.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("USALAMA_DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections stay open (per thread, like PostgreSQL's): closing the last connection to a
    # WAL database checkpoints and deletes the WAL file, which made every request pay an fsync
    # (the intake load benchmark, docs/benchmarks.md, "Intake load").
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so the audit hash chain cannot fork
        # between two processes, and writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "usalama.administration.permissions.SystemAdminBackend",  # view-only Django admin
    "usalama.accounts.sso.OidcBackend",  # agencies' OpenID Connect providers (accounts/sso.py)
]
# Single sign-on: a JSON file of per-agency OpenID Connect providers, outside the repository
# (accounts/sso.py, docs/security.md). Client secrets come from the environment or a file.
USALAMA_OIDC_PROVIDERS = os.environ.get("USALAMA_OIDC_PROVIDERS", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

# A second factor for every role that sees intelligence, case or oversight data. Only a
# demo may relax it (USALAMA_DEMO_SKIP_2FA=1), and the web shell then says so on every page.
USALAMA_DEMO_SKIP_2FA = _env_bool("USALAMA_DEMO_SKIP_2FA", False)
OTP_TOTP_ISSUER = "usalama"

AXES_FAILURE_LIMIT = int(os.environ.get("USALAMA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "usalama.accounts.lockout.locked_out"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("USALAMA_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: each request extends the session
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# --- served over TLS (USALAMA_TLS=1): secure cookies and HSTS; docs/citizen-safety.md --------
USALAMA_TLS = _env_bool("USALAMA_TLS", False)
SESSION_COOKIE_SECURE = USALAMA_TLS or _env_bool("USALAMA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Django's SecurityMiddleware sends HSTS only on a request that arrived over HTTPS.
SECURE_HSTS_SECONDS = int(
    os.environ.get("USALAMA_HSTS_SECONDS", str(365 * 24 * 3600) if USALAMA_TLS else "0")
)
if _env_bool("USALAMA_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- request limits: oversized bodies are refused before they are parsed ---------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("USALAMA_MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
USALAMA_MAX_UPLOAD_BYTES = int(os.environ.get("USALAMA_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))

# --- i18n: English and Swahili ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sw", _("Kiswahili"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("USALAMA_TIME_ZONE", "Africa/Nairobi")

# --- static files: served by WhiteNoise from the package, never from a CDN --------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Leaflet as shipped inside django-leaflet (the app itself needs GDAL, so only its assets).
STATICFILES_DIRS = [Path(str(importlib.util.find_spec("leaflet").origin)).parent / "static"]  # type: ignore[union-attr]
STATICFILES_DIRS.append(PROJECT_DIR / "node_modules" / "cytoscape" / "dist")  # npm ci
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LEAFLET_CONFIG = {
    "TILES": os.environ.get("USALAMA_MAP_TILES", ""),
    "DEFAULT_CENTER": (-0.02, 37.9),
    "DEFAULT_ZOOM": 6,
    "RESET_VIEW": False,
}


# --- Content-Security-Policy (django-csp): scripts only from our own static files, or an
# inline block carrying the request's nonce. Styles may be inline (matplotlib's SVG charts and
# Leaflet set style attributes); no script, frame, object or form target on another host.
def _tile_origin(template: str) -> list[str]:
    parts = urlsplit(template.split("{", 1)[0] if template else "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_origin(str(LEAFLET_CONFIG["TILES"]))],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- logging: to stderr, no request bodies, no secrets -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Public intake routes (tips, reports, webhooks) are never logged: intake/logging.py.
    "filters": {"skip_intake": {"()": "usalama.intake.logging.SkipIntakeRequests"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["skip_intake"],
        }
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("USALAMA_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django logs 4xx responses with the request path; our API answers those on purpose.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
USALAMA_SEARCH_MAX_RESULTS = 200
# PostgreSQL work_mem for a search's own transaction: at 10 M entities the matches of a common
# name overflow the default 4 MB bitmap and the search re-reads whole pages (20 s against
# 1.6 s; docs/scaling.md). Per query, so it must fit times the connections searching at once.
# Empty: the server's setting.
USALAMA_SEARCH_WORK_MEM = os.environ.get("USALAMA_SEARCH_WORK_MEM", "64MB")
# Hit/no-hit checks a federation peer may ask of this installation per hour.
USALAMA_HITCHECK_PER_HOUR = int(os.environ.get("USALAMA_HITCHECK_PER_HOUR", "30"))

# --- intake (community reports and tips): docs/intake.md ----------------------------------------
USALAMA_GATEWAY_SECRET = os.environ.get("USALAMA_GATEWAY_SECRET", "")  # empty: webhooks off (404)
# --- ward alerts (docs/community-alerts.md) and the KPI job (docs/kpis.md) ----------------------
USALAMA_ALERT_RATE = float(os.environ.get("USALAMA_ALERT_RATE", "5"))  # SMS per second, at most
USALAMA_KPI_INTERVAL_SECONDS = int(os.environ.get("USALAMA_KPI_INTERVAL_SECONDS", "3600"))
# resolution runs started from the web, the API or `usalama resolve run`: Splink on DuckDB in
# the worker's process, or on Apache Spark at USALAMA_SPARK_MASTER (docs/spark.md)
USALAMA_RESOLVE_ENGINE = os.environ.get("USALAMA_RESOLVE_ENGINE", "duckdb")
if USALAMA_RESOLVE_ENGINE not in ("duckdb", "spark"):
    raise ImproperlyConfigured(
        f"USALAMA_RESOLVE_ENGINE must be duckdb or spark, not {USALAMA_RESOLVE_ENGINE!r}"
    )
USALAMA_SPARK_MASTER = os.environ.get("USALAMA_SPARK_MASTER", "local[2]")


# Keys that protect data at rest live OUTSIDE the data directory (accounts/sealing.py): the
# phone-number HMAC key and the field-encryption keys. Refused at start if inside it.
def _keys_dir() -> Path:
    configured = os.environ.get("USALAMA_KEYS_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    installation = hashlib.sha256(str(VAR_DIR).encode()).hexdigest()[:12]
    return (base / "usalama" / "keys" / installation).resolve()


USALAMA_KEYS_DIR = _keys_dir()
if USALAMA_KEYS_DIR.is_relative_to(VAR_DIR):
    raise ImproperlyConfigured(
        f"USALAMA_KEYS_DIR ({USALAMA_KEYS_DIR}) is inside the data directory ({VAR_DIR}): a "
        "copy of the data would carry the keys that protect it. Set USALAMA_KEYS_DIR to a "
        "folder outside it, or give the keys as USALAMA_PHONE_HMAC_KEY and USALAMA_FIELD_KEYS."
    )
USALAMA_PHONE_HMAC_KEY = os.environ.get("USALAMA_PHONE_HMAC_KEY", "")  # empty: keys dir
USALAMA_FIELD_KEYS = os.environ.get("USALAMA_FIELD_KEYS", "")  # empty: keys dir

# --- cases: evidence files live outside the database; the ODPP waiting clock -----------------
EVIDENCE_DIR = Path(os.environ.get("USALAMA_EVIDENCE_DIR", VAR_DIR / "evidence")).resolve()
JUSTICE_ODPP_WAIT_DAYS = int(os.environ.get("USALAMA_JUSTICE_ODPP_WAIT_DAYS", "30"))

# --- watchlists and ANPR: docs/watchlists.md ---------------------------------------------------
USALAMA_ANPR_RETENTION_DAYS = int(os.environ.get("USALAMA_ANPR_RETENTION_DAYS", "30"))
# Alert SMS go through the platform's gateway (USALAMA_SMS_GATEWAY: console or africastalking)
USALAMA_SMS_GATEWAY_FACTORY = "usalama.intake.gateways.get_gateway"
# Links in alert e-mails and SMS point here (the address users reach the web pages at).
USALAMA_BASE_URL = os.environ.get("USALAMA_BASE_URL", "http://localhost:8000")

# --- e-mail (alert delivery): SMTP when USALAMA_SMTP_HOST is set, else the console ----------
if os.environ.get("USALAMA_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["USALAMA_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("USALAMA_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("USALAMA_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("USALAMA_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("USALAMA_SMTP_STARTTLS", True)
    EMAIL_USE_SSL = _env_bool("USALAMA_SMTP_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("USALAMA_SMTP_TIMEOUT", "20"))
else:
    EMAIL_BACKEND = os.environ.get(
        "USALAMA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = os.environ.get("USALAMA_MAIL_FROM", "usalama <alerts@localhost>")

# Audit chain checkpoints (usalama.audit.checkpoints): the Ed25519 key that signs them lives
# outside the data directory (refused inside it); the checkpoints file may be published.
USALAMA_AUDIT_SIGNING_KEY = os.environ.get(
    "USALAMA_AUDIT_SIGNING_KEY", str(Path.home() / ".config" / "usalama" / "audit-signing-key.pem")
)
USALAMA_AUDIT_CHECKPOINTS = os.environ.get(
    "USALAMA_AUDIT_CHECKPOINTS", str(VAR_DIR / "audit" / "checkpoints.jsonl")
)
USALAMA_AUDIT_CHECKPOINT_SECONDS = float(os.environ.get("USALAMA_AUDIT_CHECKPOINT_SECONDS", "3600"))
# Background workers: a worker renews its lease every lease/4 seconds; a job whose worker's
# lease is older than this is taken over by a worker on any host. The host name in a worker's
# id defaults to the machine's (set it where several containers share one hostname).
USALAMA_WORKER_LEASE_SECONDS = float(os.environ.get("USALAMA_WORKER_LEASE_SECONDS", "60"))
USALAMA_WORKER_HOST = os.environ.get("USALAMA_WORKER_HOST", "")
