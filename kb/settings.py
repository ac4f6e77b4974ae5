"""Settings for kb, read only from the environment.

SQLite by default so that a checkout runs with no configuration; PostgreSQL by
setting DATABASE_URL. Every variable is documented in README.md, "Settings".
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# Strict helpers of our own, as healthchecks has (not django-environ, whose booleans also
# take "yes", "on" and typos as False): a mistyped value stops the start with its name.
def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value in ("1", "True", "true"):
        return True
    if value in ("0", "False", "false"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 or True/False, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envrate(name: str, default: str) -> str:
    """A rate as django-ratelimit reads it: requests per period, "120/m", "1000/2h"."""
    value = os.getenv(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 120/m or 1000/2h, not {value!r}")
    return value


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> list[str]:
    """Addresses or networks, comma-separated: "127.0.0.1", "10.0.0.0/8,::1"."""
    items = envlist(name, default)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list addresses or networks such as 127.0.0.1 or 10.0.0.0/8, "
                f"not {item!r}"
            ) from None
    return items


DEBUG = envbool("DEBUG", "False")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "import_export",
    "csp",
    "axes",
    "simple_history",
    "corsheaders",
    "comparisons",
    "comparisons.defaults",
    "comparisons.sharing",
    "comparisons.transfer",
    "comparisons.search",
    "comparisons.history",
    "comparisons.suggestions",
    "comparisons.sharing.shortlinks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS for /api/ only, before anything that answers: 429s and cache hits get it too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages only, against BREACH (see the module); whitenoise compresses static files.
    "kb.compression.PublicPagesGZipMiddleware",
    # Before the page cache: every API request counts, cached or not (comparisons/api/).
    "comparisons.api.middleware.ApiRateLimitMiddleware",
    "comparisons.api.middleware.ApiJsonErrorsMiddleware",
    # A database outage answers 503 with the static page, never 500 (see the module).
    "kb.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The marker that sends staff past the proxy's cache, kept true (see the module).
    "comparisons.staff_marker.StaffMarkerMiddleware",
    # Readers' public pages from the cache: after authentication, since only anonymous
    # readers' pages are shared (comparisons/caching.py).
    "comparisons.caching.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "kb.headers.PermissionsPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.getenv("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# In web processes on PostgreSQL a query may run DB_STATEMENT_TIMEOUT seconds, and the process
# waits for any answer at most half a second longer, even from a hung server
# (kb/database_waits.py): uncached requests then get a 503 within seconds. Management
# commands (migrate, imports of backups) are not limited.
DB_STATEMENT_TIMEOUT = envint("DB_STATEMENT_TIMEOUT", "3")
DB_WAIT_SECONDS = DB_STATEMENT_TIMEOUT + 0.5
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer (a network outage, not a refused port) fails within
    # seconds, so that readers are served from the cache instead of waiting (README,
    # "Keeping up under faults"); keepalives notice a server gone from the network.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": envint("DB_CONNECT_TIMEOUT", "5"),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each transaction takes the write lock when it begins, so concurrent writes (two import
    # confirms, a save racing a restore) wait their turn instead of failing with "database is
    # locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by whitenoise: /favicon.ico, which browsers ask for
# whatever the page says. Unhashed, so cached for a day rather than forever.
WHITENOISE_ROOT = BASE_DIR / "webroot"
WHITENOISE_MAX_AGE = 60 * 60 * 24
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names for far-future caching; with DEBUG on, Django serves plain names.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

TAGGIT_CASE_INSENSITIVE = True

# Bulk import in the admin is all-or-nothing: one transaction, rolled back on any error.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The largest import the admin takes (comparisons/transfer/import_formats.py): the largest
# allowed file
# imports well within gunicorn's timeout (README, "Bulk import and export").
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(16 * 1024 * 1024))
IMPORT_MAX_LINES = envint("IMPORT_MAX_LINES", "2000")
# One cell's text: bounds the work a line can ask for, whatever the number of lines.
IMPORT_MAX_CELL_BYTES = envint("IMPORT_MAX_CELL_BYTES", str(32 * 1024))

SITE_NAME = "kb"
# The table the home page presents first (its slug); the default content's first table.
FLAGSHIP_TABLE = os.getenv("FLAGSHIP_TABLE", "product-management-b2b-vs-b2c")
# The site's absolute base URL, for canonical links, share cards and exports (never the
# Host header). Unset, it is this machine on PORT, where `make run PORT=N` serves; a
# production start without it fails the deploy check (kb/checks.py) and `make serve`.
SITE_URL_IS_SET = bool(os.getenv("SITE_URL"))
SITE_URL = (os.getenv("SITE_URL") or f"http://127.0.0.1:{envint('PORT', '8000')}").rstrip("/")

# Security: see README, "Security" and "Deploying". HTTPS settings default on when DEBUG is off
# and SITE_URL is https://; each has its own variable, to turn it off behind a TLS proxy.
_SERVES_HTTPS = not DEBUG and os.getenv("SITE_URL", "").startswith("https://")
_HTTPS_DEFAULT = "1" if _SERVES_HTTPS else "0"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _HTTPS_DEFAULT)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if _SERVES_HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS_DEFAULT)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _HTTPS_DEFAULT)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", _HTTPS_DEFAULT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if envbool("SECURE_PROXY_SSL_HEADER", "0"):
    # Only behind a proxy that always sets (and never forwards) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Every script and style comes from our static files; only the embed view may be framed
# (kb.headers.allow_framing).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ADMIN_URL = os.getenv("ADMIN_URL", "admin/").strip("/") + "/"

# Login lockout (django-axes): 5 failed logins from one address lock that address out, for
# that account and (5 failures whatever the names) for every account, for
# AXES_COOLOFF_MINUTES; never the account from every address, or anyone could lock an editor
# out. AxesStandaloneBackend must come first; it needs the request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# The proxies in front (addresses or networks): X-Forwarded-For is read only from them
# (kb/proxies.py). Empty: the connection's address is the client's.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "kb.proxies.client_ip"

# One shared cache for all app servers when REDIS_URL is set; per process otherwise.
REDIS_URL = os.getenv("REDIS_URL", "")
REDIS_TIMEOUT_SECONDS = envint("REDIS_TIMEOUT_MS", "250") / 1000
if REDIS_URL:
    CACHES = {
        "default": {
            # Bounded waits, and Redis skipped for a few seconds after a failure (kb/cache.py):
            # a hung Redis costs a request at most one REDIS_TIMEOUT_SECONDS wait.
            "BACKEND": "kb.cache.BoundedRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    # Room for the pages of many tables and their filtered views (Django's default is 300).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Whether every app process reads the same cache: only then may the cache generations be read
# from it without a query (comparisons/caching.py). A per-process cache learns of an edit
# made in another process only from the database.
CACHE_IS_SHARED = bool(REDIS_URL)

# Short links (/v/<code>): how many new ones one client address may make (django-ratelimit,
# counted in the cache above: per process without REDIS_URL). Reused links are not counted.
SHORT_LINKS_RATE = "60/h"
SHORT_LINKS_PER_DAY = "200/d"
# A short link nobody opened (or asked for again) for this many days is gone (404), and
# `purge_short_links` deletes it.
SHORT_LINKS_EXPIRE_DAYS = envint("SHORT_LINKS_EXPIRE_DAYS", "365")
# The client's address behind trusted proxies, as for the login lockout.
RATELIMIT_IP_META_KEY = "kb.proxies.client_ip"
# A count the cache cannot give back lets the request through rather than refusing it.
RATELIMIT_FAIL_OPEN = True

# Whole public pages from the cache (comparisons/caching.py); 0 renders every request.
PAGE_CACHE = envbool("PAGE_CACHE", "True")
# How long a shared cache in front (deploy/nginx.conf) may serve a public page without asking
# again (`s-maxage`): the most an edit waits to reach readers there. Browsers always revalidate.
SHARED_CACHE_SECONDS = envint("SHARED_CACHE_SECONDS", "3")

# The read-only API (/api/v1/, README "Feeds and API"): any site may read it from a browser.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "if-modified-since", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# Requests per client address to /api/, counted like short links (django-ratelimit).
API_RATE_LIMIT = envrate("API_RATE_LIMIT", "120/m")

# Errors go to stderr (gunicorn's log): a 500 with its traceback, once per kind of error and
# then at most once a minute (kb/error_log.py), and outages as kb/outages.py words them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"repeated_errors": {"()": "kb.error_log.RepeatedErrorsFilter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["repeated_errors"],
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["requests"], "level": "ERROR", "propagate": False},
    },
}
# Readers' suggestions sent per client address, counted like short links (README "Editing").
SUGGESTIONS_RATE = envrate("SUGGESTIONS_RATE", "10/h")
