"""Settings, read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (see .env.example); "
            "it may only be omitted when DEBUG=1."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # identity (README "身份鉴别"): login lockout and the second factor; before "assessment", whose
    # post_migrate gives the 管理员 role their permissions
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # what every app shares (abstract models, xlsx and text rules, job plumbing); imports no other app
    "common",
    "accounts",
    # the audit trail (docs/audit.md); before "assessment", whose post_migrate gives roles their permissions
    "audit",
    "inspections",
    # 执法公示 (docs/disclosure.md); before "assessment", whose post_migrate gives roles their permissions
    "disclosure",
    # the municipal 复核; before "assessment", whose post_migrate gives roles their permissions
    "review",
    # plans and draws (docs/plans.md); before "assessment" too
    "plans",
    "assessment",
    "operations",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # a NUL in a query parameter is a 400 before any view can pass it to the database
    "changning_enforce.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # the client's address for the audit trail, before anything that can log in or out (audit/context.py)
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # identity (accounts/middleware.py): idle and absolute session timeout, then the second factor, then password age
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "changning_enforce.middleware.DatabaseUnavailableMiddleware",
    # turns a lockout into the Chinese lockout page; axes asks to be last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "changning_enforce.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "changning_enforce.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A connection that broke while the database was away is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has the web server and the task worker share one SQLite file. WAL lets a status poll read
    # while the worker writes a 100,000-row import; the busy timeout makes a write (a session refresh) wait
    # for the worker's transaction instead of failing with "database is locked" after SQLite's 5 s; and
    # BEGIN IMMEDIATE takes the write lock at the start of a transaction, so two writers queue rather than
    # deadlock when both try to upgrade a read lock (a deadlock fails at once, whatever the timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Identity (等保 2.0 8.1.4.1 身份鉴别; README "身份鉴别") -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # refuses a locked-out username or address before any password is checked (it needs the request:
    # authenticate(request, ...), as every login form here does)
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# length >= 8, three of four character classes, not (containing) the username, not a common password
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.password_validation.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.password_validation.UsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # not a rule: audits every password set, and makes one set by someone else expire (accounts/services.py)
    {"NAME": "accounts.password_validation.AuditPasswordChange"},
]
# Periodic password change, a deviation from OWASP ASVS 5.0 (see README); 0 switches it off.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
# Idle timeout 30 minutes: a signed-in user's session is saved (pushing its expiry 30 minutes on) whenever a
# minute has passed since the last save, instead of SESSION_SAVE_EVERY_REQUEST's write on every request.
# Absolute lifetime: 12 hours after login. Both enforced by accounts.middleware.SessionTimeoutMiddleware.
SESSION_COOKIE_AGE = 30 * 60
SESSION_IDLE_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
# Lockout (django-axes): 5 failures within 15 minutes lock the username and, separately, the address, for
# 15 minutes from the last failure; failures during a lockout do not extend it, so an attacker cannot keep an
# account locked by trying on. Admins unlock at once by deleting the attempt in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False  # no start-up banner on every manage.py command; lockouts are still logged
# behind nginx the client's address is the last X-Forwarded-For entry (accounts/lockout.py)
TRUST_X_FORWARDED_FOR = env_bool("BEHIND_TLS_PROXY", default=False)
# The second factor (django-otp TOTP) for leaders, admins and staff; the admin pages never show a device's key.
OTP_TOTP_ISSUER = "执法规范化自评系统"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the static root and is only served through views that check
# the user's organisation; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Background work (large ledger imports) runs in `manage.py db_worker`: django-tasks with its database
# backend needs no service beyond the database itself (see docs/records.md).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
LEDGER_MAX_BYTES = int(os.environ.get("LEDGER_MAX_BYTES", str(50 * 1024 * 1024)))

# 执法公示 (disclosure/public_http.py, docs/disclosure.md): the public site's page cache and per-address rate
# limit. Local memory by default (each process its own, bounded by MAX_ENTRIES); point "public" at a shared cache
# (Redis, memcached) to count the rate limit across processes.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-site",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
DISCLOSURE_RATE_LIMIT = int(os.environ.get("DISCLOSURE_RATE_LIMIT", "120"))
DISCLOSURE_RATE_WINDOW = int(os.environ.get("DISCLOSURE_RATE_WINDOW", "60"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Evidence files: the types the bureau's records come in, and a size a scanned document fits.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
WORKBOOK_MAX_BYTES = int(os.environ.get("WORKBOOK_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- HTTP security (Django's deployment checklist; README "生产部署") ---------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no page script reads the token: forms carry it in a hidden field
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# nginx terminates TLS and says so in this header (see README); only trusted when the proxy sets it.
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SILENCED_SYSTEM_CHECKS = [
    # security.W021 (HSTS preload): submitting a government domain to the browsers' preload list is a decision
    # for the bureau's network administrators, for the whole domain; the app sends HSTS without "preload".
    "security.W021",
]

# Content Security Policy (django-csp): scripts, styles, fonts and images only from our own static files;
# no inline script or style anywhere, no plugins, no <base> rewriting, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step and fontTools every table it subsets at INFO.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# A background job (ledger import, report render or sign-off) still "running" after this many seconds had its
# worker die under it: it is marked failed, nothing of it was written, and it can be run again.
JOB_ABANDONED_SECONDS = int(os.environ.get("JOB_ABANDONED_SECONDS", "900"))
# The annual report: a render that takes longer than this is stopped (seconds).
REPORT_RENDER_TIMEOUT = float(os.environ.get("REPORT_RENDER_TIMEOUT", "60"))
# The public verification page parses an uploaded PDF in a child process with these limits (seconds, MB of
# address space beyond the worker's) and serves each client address this many verifications per window.
REPORT_VERIFY_TIMEOUT = float(os.environ.get("REPORT_VERIFY_TIMEOUT", "5"))
REPORT_VERIFY_MEMORY_MB = int(os.environ.get("REPORT_VERIFY_MEMORY_MB", "256"))
REPORT_VERIFY_RATE = int(os.environ.get("REPORT_VERIFY_RATE", "10"))
REPORT_VERIFY_RATE_SECONDS = int(os.environ.get("REPORT_VERIFY_RATE_SECONDS", "600"))
# Where `python manage.py create_demo_pki` (run by seed_demo) keeps the demo CA and demo signing certificates.
DEMO_PKI_DIR = Path(os.environ.get("DEMO_PKI_DIR") or BASE_DIR / "var" / "pki")
# Certificates (PEM) that an issued report's signature must chain to; colon-separated paths.
REPORT_TRUST_ROOTS = [
    p for p in os.environ.get("REPORT_TRUST_ROOTS", str(DEMO_PKI_DIR / "demo-ca.pem")).split(":") if p
]
