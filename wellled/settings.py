"""wellled settings: one module, driven by environment variables.

Every variable is listed in docs/configuration.md. Helpers fail loudly on a
malformed value rather than guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("WELLLED_VAR_DIR", str(BASE_DIR / "var")))
# The embedded database, job queue and uploads live here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The key used when none is given. Production refuses to start with it.
INSECURE_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105


def envbool(name: str, default: bool) -> bool:
    raw = os.getenv(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false")


def envint(name: str, default: int) -> int:
    raw = os.getenv(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (Docker and Kubernetes secrets)."""
    file_name = os.getenv(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


# Production mode turns on every deployment safeguard and refuses unsafe defaults.
PRODUCTION = envbool("WELLLED_PRODUCTION", False)
DEBUG = envbool("DEBUG", False)
TESTING = envbool("WELLLED_TESTING", False)

SECRET_KEY = envsecret("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "WELLLED_PRODUCTION is on but SECRET_KEY is the development default or shorter "
        "than 50 characters. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when WELLLED_PRODUCTION is on")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth, so its `changepassword` command replaces auth's:
    # for an earlier app's command wins (see wellled/accounts/management/commands).
    "wellled.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "wellled.core",
    "wellled.organisation",
    "wellled.complaints",
    "wellled.learning",
    "wellled.reports",
    "wellled.assurance",
    "wellled.inspections",
    "wellled.strategy",
    "wellled.improvement",
    "wellled.leadership",
    "wellled.speakup",
    "wellled.surveys",
    "wellled.involvement",
    "wellled.equality",
]

MIDDLEWARE = [
    # First: strips the address, user agent and forwarding headers from anonymous
    # speak-up requests before anything else can read or log them.
    "wellled.speakup.protection.AnonymousRouteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wellled.core.middleware.RequestIdMiddleware",
    # Django's, except on pages marked `leaves_no_trace` (the staff speak-up form).
    "wellled.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wellled.accounts.middleware.TwoFactorRequiredMiddleware",
    "wellled.accounts.middleware.PasswordChangeRequiredMiddleware",
    "wellled.core.middleware.SuperuserAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that lockouts see the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wellled.urls"
WSGI_APPLICATION = "wellled.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wellled" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wellled.core.context_processors.wellled",
            ],
        },
    },
]

# SQLite is the embedded default so that `make run` needs nothing but Python.
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wellled.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wellled_cache",
        }
    }
# Rate-limit counters (django-ratelimit, the public complaint form): every process
# must share them, so production refuses to start unless this is Redis (speakup.E004).
CACHES["throttle"] = dict(CACHES["default"])
RATELIMIT_USE_CACHE = "throttle"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id at OWASP's recommended parameters (docs/decisions/0009-argon2-parameters.md).
PASSWORD_HASHERS = [
    "wellled.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Passwords are checked by Django's backend behind a growing wait per account and
# per source (wellled.accounts.login_delay), never a long lock of an account.
AUTHENTICATION_BACKENDS = ["wellled.accounts.login_delay.DelayedModelBackend"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Shared NHS computers: a session ends after a short spell of inactivity and when
# the browser closes. Each request slides the window forward.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 20) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor login is required for privileged roles unless switched off, which only
# the demo should do; a banner says so on every page while it is off.
WELLLED_REQUIRE_2FA = envbool("WELLLED_REQUIRE_2FA", True)
if PRODUCTION and not WELLLED_REQUIRE_2FA:
    raise ImproperlyConfigured("WELLLED_REQUIRE_2FA cannot be switched off in production")
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "wellled")

# Wrong passwords: after this many in a row for an account (or, counted apart, from
# one source), each further one doubles the wait before the next try, from
# WELLLED_LOGIN_DELAY_SECONDS up to the cap. Keys are keyed hashes; nothing is stored.
WELLLED_LOGIN_ACCOUNT_FREE_FAILURES = envint("WELLLED_LOGIN_ACCOUNT_FREE_FAILURES", 4)
WELLLED_LOGIN_ACCOUNT_MAX_DELAY = envint("WELLLED_LOGIN_ACCOUNT_MAX_DELAY", 900)
WELLLED_LOGIN_SOURCE_FREE_FAILURES = envint("WELLLED_LOGIN_SOURCE_FREE_FAILURES", 30)
WELLLED_LOGIN_SOURCE_MAX_DELAY = envint("WELLLED_LOGIN_SOURCE_MAX_DELAY", 300)
WELLLED_LOGIN_DELAY_SECONDS = envint("WELLLED_LOGIN_DELAY_SECONDS", 30)
WELLLED_LOGIN_FAILURE_MEMORY_SECONDS = envint("WELLLED_LOGIN_FAILURE_MEMORY_SECONDS", 86400)

# django-axes stays installed for the records it kept, but no longer locks anyone:
# its 30-minute lock of an account let five wrong guesses shut out its owner.
AXES_ENABLED = False
# Its settings as they were, should it be switched on again: by account only.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "wellled.accounts.lockout.no_client_ip"
AXES_CLIENT_STR_CALLABLE = "wellled.accounts.lockout.client_str"
AXES_LOCKOUT_CALLABLE = "wellled.accounts.views.locked_out"
# axes 8 has no setting for the user agent: this handler writes placeholders instead.
AXES_HANDLER = "wellled.accounts.lockout.AccountOnlyDatabaseHandler"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # Deliberate: lockout is by account so that no IP address is ever stored.
    "axes.W006",
    # Deliberate: axes is switched off, its backend replaced by the login delays.
    "axes.W003",
    # The measures' covering indexes name INCLUDE columns for PostgreSQL; SQLite
    # builds the same indexes without them, which is all it needs.
    "models.W040",
]

# Optional single sign-on via OpenID Connect (Microsoft Entra ID is documented).
OIDC_RP_CLIENT_ID = os.getenv("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# Whether a single sign-on login counts as two-factor (the identity provider's own
# MFA, e.g. Entra ID Conditional Access). Off: privileged users also enrol here.
OIDC_TRUSTS_IDP_MFA = envbool("OIDC_TRUSTS_IDP_MFA", False)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("wellled.accounts.oidc.WellledOIDCBackend")
    OIDC_RP_CLIENT_SECRET = envsecret("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = os.getenv("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.getenv("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.getenv("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.getenv("OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.getenv("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = os.getenv("OIDC_RP_SCOPES", "openid email profile")
    OIDC_CREATE_USER = envbool("OIDC_CREATE_USER", True)
    # The OIDC views live in the namespaced accounts urls (see wellled/accounts/oidc.py).
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"
    OIDC_USE_PKCE = envbool("OIDC_USE_PKCE", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The project-wide assets (NHS.UK frontend, htmx, wellled.css) belong to no app.
STATICFILES_DIRS = [BASE_DIR / "wellled" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the app serves static files straight from the source tree.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(VAR_DIR / "media")))
MAX_UPLOAD_BYTES = envint("WELLLED_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
# Optional virus scanning of every upload by a ClamAV daemon (docs/configuration.md).
WELLLED_CLAMD = os.getenv("WELLLED_CLAMD", "")
WELLLED_CLAMD_TIMEOUT = envint("WELLLED_CLAMD_TIMEOUT", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
# Every upload is received in memory, at most one byte past MAX_UPLOAD_BYTES of
# each file, and never written to a temporary file (wellled.core.uploads).
FILE_UPLOAD_HANDLERS = ["wellled.core.uploads.BoundedUploadHandler"]

# Security headers. check --deploy is clean when WELLLED_PRODUCTION is on.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancer and container probes call /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if not SECURE_HSTS_PRELOAD:
        # Preload is a one-way commitment for the whole domain: the trust decides.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
CSRF_FAILURE_VIEW = "wellled.core.views.csrf_failure"

# A strict policy: nothing from any other origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Email: console by default, SMTP or GOV.UK Notify when configured.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "console")
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "notify": "wellled.core.notify.NotifyEmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
if EMAIL_BACKEND not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND!r}: use one of {', '.join(sorted(_EMAIL_BACKENDS))}"
    )
EMAIL_BACKEND = _EMAIL_BACKENDS[EMAIL_BACKEND]
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "wellled@localhost")
NOTIFY_API_KEY = envsecret("NOTIFY_API_KEY")
NOTIFY_EMAIL_TEMPLATE_ID = os.getenv("NOTIFY_EMAIL_TEMPLATE_ID", "")

# Background work. With no broker configured the embedded default is Celery's
# filesystem transport under var/, which `wellled serve` consumes in a worker
# process of its own, so no job ever runs inside a request.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "queue-processed"),
        "store_processed": False,
        # Queue bindings; kombu's default is "control" in whatever directory the
        # process happens to start in.
        "control_folder": str(VAR_DIR / "queue-control"),
    }
    # The transport does not create its folder; sending a job into a missing one fails.
    _queue_dir.mkdir(exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Durable jobs (docs/deployment.md, "Background jobs"). A message is acknowledged
# only when its task ends, and one whose worker process was killed goes back to
# the queue; on Redis an unacknowledged message comes back after the visibility
# timeout. Claiming a job is atomic (`actions.claim_job`), so a redelivered message
# never runs a job twice, and the heartbeat check (`recover_stalled_jobs`, every
# minute) queues again or fails a job whose worker died, whatever the broker.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("WELLLED_JOB_VISIBILITY_TIMEOUT", 3600)
    }
# A queued job no worker has claimed this many minutes after its message was sent
# is sent once more, then failed with a message to its starter (`tasks.recover_unclaimed_jobs`).
WELLLED_JOB_UNCLAIMED_MINUTES = envint("WELLLED_JOB_UNCLAIMED_MINUTES", 10)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Modules add their periodic jobs here (deadline reminders, stale evidence).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "prune-finished-jobs": {"task": "wellled.core.tasks.prune_finished_jobs", "schedule": 3600.0},
    "recover-stalled-jobs": {"task": "wellled.core.tasks.recover_stalled_jobs", "schedule": 60.0},
    "recover-unclaimed-jobs": {
        "task": "wellled.core.tasks.recover_unclaimed_jobs",
        "schedule": 60.0,
    },
    "audit-checkpoint": {"task": "wellled.core.tasks.write_audit_checkpoint", "schedule": 3600.0},
    "improvement-action-reminders": {
        "task": "wellled.improvement.tasks.send_action_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "leadership-feedback-reminders": {
        "task": "wellled.leadership.tasks.send_feedback_reminders",
        "schedule": crontab(hour=7, minute=20),
    },
    "complaints-deadline-reminders": {
        "task": "wellled.complaints.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "complaints-late-response-tasks": {
        "task": "wellled.complaints.tasks.open_late_response_tasks",
        "schedule": crontab(hour=6, minute=0),
    },
    # Documents held from public forms that were never sent: kept no longer than needed.
    "complaints-prune-held-uploads": {
        "task": "wellled.complaints.tasks.prune_held_uploads",
        "schedule": 3600.0,
    },
    "complaints-check-measure-rollup": {
        "task": "wellled.complaints.tasks.check_measure_rollup",
        "schedule": crontab(hour=1, minute=30),
    },
    "assurance-prune-inspection-packs": {
        "task": "wellled.assurance.tasks.prune_inspection_packs",
        "schedule": crontab(hour=3, minute=0),
    },
    "speakup-retention": {
        "task": "wellled.speakup.tasks.shred_expired_cases",
        "schedule": crontab(hour=2, minute=30),
    },
    # Reporters' actions reach the audit trail a day at a time (docs/speakup.md).
    "speakup-reporter-tallies": {
        "task": "wellled.speakup.tasks.write_reporter_tallies",
        "schedule": crontab(hour=0, minute=20),
    },
    # Daily, after retention: rotates when the epoch is WELLLED_SPEAKUP_EPOCH_DAYS old.
    "speakup-epoch-keys": {
        "task": "wellled.speakup.tasks.rotate_epoch_keys",
        "schedule": crontab(hour=2, minute=45),
    },
}

# The audit trail's key and checkpoints (docs/audit-trail.md). Both live outside
# the database, where someone who can rewrite the table cannot reach them: the key
# signs every event, the checkpoints record the chain's head hourly. Production
# refuses to start without the key file (system check core.E101); elsewhere one is
# made in the data directory on first use.
_audit_files = str(VAR_DIR / "audit")
_sqlite_name = str(DATABASES["default"].get("NAME") or "")
if (
    not PRODUCTION
    and DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and "memory" not in _sqlite_name
):
    # Each development or demo database keeps its own key and checkpoints beside
    # it, so databases sharing one data directory are not checked against another's.
    _audit_files = f"{_sqlite_name}.audit"
WELLLED_AUDIT_KEY_FILE = Path(os.getenv("WELLLED_AUDIT_KEY_FILE", f"{_audit_files}-key.json"))
WELLLED_AUDIT_CHECKPOINT_FILE = Path(
    os.getenv("WELLLED_AUDIT_CHECKPOINT_FILE", f"{_audit_files}-checkpoints.jsonl")
)
WELLLED_AUDIT_KEY_AUTOCREATE = envbool("WELLLED_AUDIT_KEY_AUTOCREATE", not PRODUCTION)

# Freedom to Speak Up (docs/speakup.md). Argon2id cost of deriving a key from a
# reporter's code: about half a second on two cores with these defaults.
WELLLED_SPEAKUP_ARGON2_OPSLIMIT = envint("WELLLED_SPEAKUP_ARGON2_OPSLIMIT", 6)
WELLLED_SPEAKUP_ARGON2_MEMLIMIT = envint("WELLLED_SPEAKUP_ARGON2_MEMLIMIT", 128 * 1024 * 1024)
# A server secret mixed into code lookups and rate-limit keys (else SECRET_KEY).
WELLLED_SPEAKUP_PEPPER = envsecret("WELLLED_SPEAKUP_PEPPER")
# Pinned fingerprints of the guardians' root certificates, comma-separated (empty:
# any root). See "Guardian enrolment" in docs/speakup.md.
WELLLED_SPEAKUP_TRUST_ROOTS = os.getenv("WELLLED_SPEAKUP_TRUST_ROOTS", "")
# Board figures: counts below this are suppressed so no reporter can be identified
# (6: counts of 1 to 5 are hidden, as issue #14 asks). Checked at start-up (speakup.E005).
WELLLED_SPEAKUP_SUPPRESS_BELOW = envint("WELLLED_SPEAKUP_SUPPRESS_BELOW", 6)
# Closed cases are crypto-shredded this many days after closure.
WELLLED_SPEAKUP_RETENTION_DAYS = envint("WELLLED_SPEAKUP_RETENTION_DAYS", 3 * 365)
# The epoch key store (docs/backup-and-restore.md): outside the database, shared by
# every app server, backed up apart from it; and how many days an epoch lasts.
WELLLED_SPEAKUP_EPOCH_KEY_DIR = Path(
    os.getenv("WELLLED_SPEAKUP_EPOCH_KEY_DIR", str(VAR_DIR / "speakup-epoch-keys"))
)
WELLLED_SPEAKUP_EPOCH_DAYS = envint("WELLLED_SPEAKUP_EPOCH_DAYS", 30)
WELLLED_SPEAKUP_MAX_UPLOAD_BYTES = envint("WELLLED_SPEAKUP_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Pictures are refused above this many pixels, read from the header before decoding.
WELLLED_SPEAKUP_MAX_IMAGE_PIXELS = envint("WELLLED_SPEAKUP_MAX_IMAGE_PIXELS", 25_000_000)
# Throttles on the anonymous routes, per daily-rotated keyed hash of the connection,
# per hour; a client over one is refused (429) until its hour is up.
WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR = envint("WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR", 10)
WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR = envint("WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR", 10)
# Every POST to an anonymous route counts here, whatever its outcome.
WELLLED_SPEAKUP_REQUESTS_PER_HOUR = envint("WELLLED_SPEAKUP_REQUESTS_PER_HOUR", 120)
# Only behind a proxy that sets X-Forwarded-For itself: throttle by the client it names.
WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR = envbool("WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR", False)
# Absolute links in emails (reminders): the site's address, e.g. https://wellled.example.nhs.uk
WELLLED_BASE_URL = os.getenv("WELLLED_BASE_URL", "")
# Inspection pack ZIPs are deleted this many days after they were made.
WELLLED_ASSURANCE_PACK_DAYS = envint("WELLLED_ASSURANCE_PACK_DAYS", 30)
# Complaints: remind handlers this many working days before a deadline.
WELLLED_COMPLAINTS_REMINDER_DAYS = envint("WELLLED_COMPLAINTS_REMINDER_DAYS", 2)

REST_FRAMEWORK = {
    # Token first: DRF answers 401 (not 403) only when the first class names a scheme.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wellled.core.api.WellledTokenAuthentication",
        "wellled.core.api.TwoFactorSessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "wellled.core.api.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "wellled.core.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "wellled.core.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wellled API",
    "DESCRIPTION": "The wellled API. Object permissions are the same as the pages'.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Deep links put a link inside each operation's button, which screen readers
    # cannot reach (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # The errors every operation can answer, described once (wellled/core/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wellled.core.api_schema.add_error_responses",
    ],
    # Choice sets whose field names collide across modules (a unit's and a case's "kind").
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "wellled.organisation.models.UnitKind",
        "ComplaintKindEnum": "wellled.complaints.models.Kind",
        "HowAgreedEnum": "wellled.complaints.models.HowAgreed",
        "EvidenceKindEnum": "wellled.assurance.models.EvidenceKind",
        "AssessmentRoundStatusEnum": "wellled.assurance.models.RoundStatus",
        "ComplaintStatusEnum": "wellled.complaints.models.Status",
        "LetterKindEnum": "wellled.complaints.models.LetterKind",
        "InspectionKindEnum": "wellled.inspections.models.InspectionKind",
        "FindingKindEnum": "wellled.inspections.models.FindingKind",
        "RatingEnum": "wellled.inspections.models.RatingWord",
        "ImprovementActionStatusEnum": "wellled.improvement.models.Status",
        "WalkroundVisitStatusEnum": "wellled.leadership.models.VisitStatus",
        "WalkroundSessionEnum": "wellled.leadership.models.Session",
        "ContactDirectionEnum": "wellled.complaints.casework_models.CaseNote.Direction",
    },
}

# Logging carries request ids and event names, never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "wellled.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # The default request logger prints the client's address; wellled logs none.
        "django.server": {"handlers": [], "propagate": False},
        "axes": {"level": "WARNING"},
        # At DEBUG it prints a whole template context (the user, decrypted content)
        # for every missing variable.
        "django.template": {"level": "INFO"},
    },
}

WELLLED_TRUST_NAME_FALLBACK = "wellled"
