"""Emporium's one settings module, read from the environment (ARCHITECTURE.md §6).

Three modes fall out of what is set:
- embedded (nothing set): SQLite in WAL mode, a file cache, console email and Celery over
  kombu's filesystem transport, so `make run` needs no services;
- services (`DATABASE_URL`, `REDIS_URL`, `CELERY_BROKER_URL`): PostgreSQL, Redis, workers apart;
- production (`DEBUG` off): refuses to start without a real secret key and allowed hosts.
"""

import logging
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from shared_kernel.messaging.encryption import derived_fernet_key, is_fernet_key
from shared_kernel.observability.logging import configure_structlog, logging_config

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state: beat's schedule; in embedded mode also SQLite, the file cache and the broker.
LOCAL_DIR = Path(env.str("EMPORIUM_LOCAL_DIR", default=str(BASE_DIR / ".local")))
LOCAL_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
DEVELOPMENT_SECRET_KEY = "django-insecure-emporium-development-only"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

if not DEBUG:
    # Django's own bar (security.W009): 50+ characters, 5+ distinct, not django-insecure-.
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured("Production (DEBUG off) needs a real SECRET_KEY (50+ chars).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production (DEBUG off) needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "csp",
    "django_prometheus",
    "django_structlog",
    "shared_kernel.apps.SharedKernelConfig",
    "shared_kernel.messaging.apps.MessagingConfig",
    # Bounded contexts: each is one Django app (ARCHITECTURE.md §1).
    "contexts.identity.apps.IdentityConfig",
    "contexts.catalog.apps.CatalogConfig",
    "contexts.inventory.apps.InventoryConfig",
    "contexts.ordering.apps.OrderingConfig",
    "contexts.payments.apps.PaymentsConfig",
    "contexts.notifications.apps.NotificationsConfig",
]

MIDDLEWARE = [
    # First: counts and times every request, every middleware included (ADR 0022).
    "shared_kernel.observability.http_metrics.HttpMetricsMiddleware",
    # Outside every middleware that reads the Host header, so a disallowed host's 400
    # under /api/ is problem+json too (ADR 0017).
    "shared_kernel.api.middleware.ProblemDetailsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shared_kernel.content_security_policy.CSPMiddleware",  # django-csp's, made cheap
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Django's session, auth and messages middlewares, each stepping aside for a request
    # no browser session can be behind: a bearer token or nobody (ADR 0022).
    "shared_kernel.api.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "shared_kernel.api.middleware.AuthenticationMiddleware",
    "shared_kernel.api.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shared_kernel.observability.request_logging.RequestLoggingMiddleware",
    # Innermost (axes' advice): turns a locked-out sign-in's page into a 429 (ADR 0015).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "identity.User"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -------------------------------------------------------------------------------
if "DATABASE_URL" in env:
    DATABASES = {
        "default": env.db_url("DATABASE_URL", engine="shared_kernel.infrastructure.postgresql")
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that stops answering fails fast (readiness turns 503) instead of hanging.
    DATABASES["default"]["OPTIONS"] = {"connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", 5)}
    if env.bool("DATABASE_POOL", default=False):
        pool_size = env.int("DATABASE_POOL_MAX", default=10)
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": pool_size}
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": LOCAL_DIR / "emporium.sqlite3",
            # Django's default for SQLite, said aloud: pytest-django's xdist renaming only
            # spares in-memory databases it recognises, and it misses the prometheus engine.
            "TEST": {"NAME": ":memory:"},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: an accelerator, never a dependency (§5) -----------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shared_kernel.infrastructure.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
            "KEY_PREFIX": "emporium",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCAL_DIR / "cache"),
        }
    }

# --- Auth -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_URL = env.str(
    "PASSWORD_RESET_URL", default="http://localhost:3000/reset-password?token={token}"
)
PASSWORD_RESET_TOKEN_TTL_MINUTES = env.int("PASSWORD_RESET_TOKEN_TTL_MINUTES", default=60)
# At most this many reset links of one account work at once; a new one voids the oldest.
PASSWORD_RESET_MAX_LIVE_TOKENS = env.int("PASSWORD_RESET_MAX_LIVE_TOKENS", default=3)

# Sign-in lockout, API and admin alike (django-axes, ADR 0015, shared_kernel/sign_in_lockout.py):
# this many failed sign-ins for one account (from any address), or from one client IP (for
# any accounts), lock sign-in for the cool-off; 0 switches that limit off. The client IP is
# the throttles' (X-Forwarded-For only through NUM_PROXIES trusted hops).
LOCKOUT_FAILURES_PER_ACCOUNT = env.int("LOCKOUT_FAILURES_PER_ACCOUNT", default=5)
LOCKOUT_FAILURES_PER_IP = env.int("LOCKOUT_FAILURES_PER_IP", default=20)
LOCKOUT_COOL_OFF_MINUTES = env.int("LOCKOUT_COOL_OFF_MINUTES", default=15)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked sign-in unchecked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "shared_kernel.sign_in_lockout.LockoutHandler"  # in the database
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "shared_kernel.sign_in_lockout.account_failure_limit"
AXES_COOLOFF_TIME = "shared_kernel.sign_in_lockout.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused try does not prolong it
AXES_RESET_ON_SUCCESS = False  # else signing in to one's own account clears an address
AXES_CLIENT_IP_CALLABLE = "shared_kernel.api.throttling.client_ip"
AXES_USERNAME_CALLABLE = "shared_kernel.sign_in_lockout.username_of"
AXES_LOCKOUT_CALLABLE = "shared_kernel.sign_in_lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins: last_login and the logs say enough

# --- REST API (§5) ---------------------------------------------------------------------------
THROTTLE_ANON = env.str("THROTTLE_ANON", default="100/min")
THROTTLE_USER = env.str("THROTTLE_USER", default="1000/min")
THROTTLE_AUTH = env.str("THROTTLE_AUTH", default="10/min")
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# DRF's browsable API answers HTML; production is JSON only unless this turns it on.
BROWSABLE_API = env.bool("BROWSABLE_API", default=DEBUG)
# A JSON body nested deeper is a 400 (Python's json module recurses on every level).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
# A body larger than this is a 413 (Django's default, 2.5 MB, said aloud).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # shared_kernel.api.authentication's JWT (malformed claims → 401), refusing a token
        # of an older auth version too (ADR 0018).
        "contexts.identity.infrastructure.authentication.AccountJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["shared_kernel.api.renderers.BrowsableAPIRenderer"] if BROWSABLE_API else []),
    ],
    # DRF's, refusing a body nested deeper than API_JSON_MAX_DEPTH (ADR 0017).
    "DEFAULT_PARSER_CLASSES": ["shared_kernel.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shared_kernel.api.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "shared_kernel.api.throttling.AnonRateThrottle",
        "shared_kernel.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_ANON, "user": THROTTLE_USER, "auth": THROTTLE_AUTH},
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "shared_kernel.api.exceptions.problem_details_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Off: it puts a digest of the password hash in every token. Tokens carry the account's
    # auth version instead, checked by identity's authentication (ADR 0018).
    "CHECK_REVOKE_TOKEN": False,
    "USER_ID_FIELD": "id",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Emporium API",
    "DESCRIPTION": "The REST API of Emporium, an online store backend.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enums are named after their field: two contexts' `status` need names of their own.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "contexts.ordering.api.serializers.ORDER_STATUSES",
        "PaymentStatusEnum": "contexts.payments.api.serializers.PAYMENT_STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shared_kernel.api.schema.add_problem_responses",
    ],
}

# Content-Security-Policy on every answer (django-csp, ADR 0017): nothing loads but from
# this origin, inline scripts and styles only with the response's nonce (the API docs'
# templates carry it), no plugins, no framing, forms post here only. ReDoc's page adds
# what it needs on its own (shared_kernel/api/docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# Frontends send and read the API's own headers (idempotency, ETag, throttling) across origins.
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key", "if-none-match")
CORS_EXPOSE_HEADERS = ["ETag", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate"]

SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")

# --- Email ----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Emporium <shop@example.com>")

# --- Static files, i18n ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security: production is DEBUG off (§5, §6) ----------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if not DEBUG:
    if not METRICS_TOKEN:
        raise ImproperlyConfigured("Production (DEBUG off) needs METRICS_TOKEN for /metrics.")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/"]  # probes speak plain HTTP (§5)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Celery (§6): queues per context plus `outbox` -------------------------------------------
CONTEXT_QUEUES = ("identity", "catalog", "inventory", "ordering", "payments", "notifications")
# A host in the URL, or kombu warns "No hostname was supplied" on every connection.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = LOCAL_DIR / "broker"
    for _folder in ("queue", "control"):  # kombu never makes them; LOCAL_DIR comes along
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    # Kombu's filesystem transport, writing atomically (shared_kernel/messaging/filesystem_broker).
    CELERY_BROKER_TRANSPORT = "shared_kernel.messaging.filesystem_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_QUEUES = [Queue(name) for name in ("outbox", "default", *CONTEXT_QUEUES)]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is acked, not requeued: the outbox relay hands the
# delivery over again after its visibility timeout and counts the attempt, so a subscriber
# that kills its worker is dead-lettered instead of looping (one owner of retries, §3).
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes the database connection after every task unless told to reuse it; a new
# connection per task cost more than the subscriber's own work (ADR 0012).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
CELERY_BEAT_SCHEDULE["diagnostics-heartbeat"] = {  # a worker's pulse, seen in the cache
    "task": "diagnostics.heartbeat",
    "schedule": env.float("DIAGNOSTICS_HEARTBEAT_SECONDS", default=60.0),
    "kwargs": {"note": "beat"},
}

# --- Event bus (§3) --------------------------------------------------------------------------
# Secret fields of integration events (a reset token) are Fernet-encrypted at rest by the event
# codec (ADR 0016): comma-separated keys, the first encrypts, every one listed decrypts. To
# rotate, put a new key first and drop the old one after `manage.py outbox reseal`. Production
# needs its own keys; with DEBUG on, one is derived from SECRET_KEY, so `make run` needs none.
EVENT_ENCRYPTION_KEYS = env.list("EVENT_ENCRYPTION_KEYS", default=[])
if not EVENT_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Production (DEBUG off) needs EVENT_ENCRYPTION_KEYS (Fernet keys, comma-separated): "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"'
        )
    EVENT_ENCRYPTION_KEYS = [derived_fernet_key(SECRET_KEY, purpose="event-encryption")]
for _key in EVENT_ENCRYPTION_KEYS:
    if not is_fernet_key(_key):
        raise ImproperlyConfigured(
            "EVENT_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        )
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=7)
INBOX_RETENTION_DAYS = env.int("INBOX_RETENTION_DAYS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
# A run's lease outlasts the task's hard time limit, so a healthy run never loses it.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# A delivery handed over that no worker started (queued behind a backlog, or lost by the
# broker) is handed over again after this, doubling up to the cap; never an attempt.
OUTBOX_HANDOVER_TIMEOUT_SECONDS = env.float("OUTBOX_HANDOVER_TIMEOUT_SECONDS", default=120.0)
OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS = env.float(
    "OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS", default=1800.0
)
# A subscriber or event version this process does not know (a rolling deploy, web newer
# than workers) is retried this long before it is dead-lettered.
OUTBOX_UNKNOWN_GRACE_SECONDS = env.int("OUTBOX_UNKNOWN_GRACE_SECONDS", default=3600)
OUTBOX_PRUNE_INTERVAL_SECONDS = env.float("OUTBOX_PRUNE_INTERVAL_SECONDS", default=3600.0)
if OUTBOX_LEASE_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"OUTBOX_LEASE_SECONDS ({OUTBOX_LEASE_SECONDS}) must outlast CELERY_TASK_TIME_LIMIT "
        f"({CELERY_TASK_TIME_LIMIT}): a run still going would lose its lease and run twice."
    )
OUTBOX_RELAY_INTERVAL_SECONDS = env.float("OUTBOX_RELAY_INTERVAL_SECONDS", default=5.0)
OUTBOX_LAG_THRESHOLD_SECONDS = env.int("OUTBOX_LAG_THRESHOLD_SECONDS", default=300)
OUTBOX_RELAY_BATCH_SIZE = env.int("OUTBOX_RELAY_BATCH_SIZE", default=500)
OUTBOX_RETRY_BACKOFF_SECONDS = env.float("OUTBOX_RETRY_BACKOFF_SECONDS", default=2.0)
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = env.float("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", default=300.0)
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
NOTIFICATION_LOG_RETENTION_DAYS = env.int("NOTIFICATION_LOG_RETENTION_DAYS", default=90)
RESERVATION_TTL_SECONDS = env.int("RESERVATION_TTL_SECONDS", default=900)
RESERVATION_EXPIRY_INTERVAL_SECONDS = env.float("RESERVATION_EXPIRY_INTERVAL_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE["inventory-expire-reservations"] = {
    "task": "inventory.expire_reservations",
    "schedule": RESERVATION_EXPIRY_INTERVAL_SECONDS,
    "options": {"queue": "inventory", "expires": RESERVATION_EXPIRY_INTERVAL_SECONDS},
}
CELERY_BEAT_SCHEDULE["ordering-prune-idempotency-keys"] = {
    "task": "ordering.prune_idempotency_keys",
    "schedule": crontab(minute=23),
    "options": {"queue": "ordering"},
}
CELERY_BEAT_SCHEDULE["notifications-prune-delivery-log"] = {
    "task": "notifications.prune_delivery_log",
    "schedule": crontab(minute=41, hour=3),
    "options": {"queue": "notifications"},
}

CELERY_BEAT_SCHEDULE["flush-expired-jwt"] = {
    "task": "shared_kernel.housekeeping.flush_expired_tokens",
    "schedule": crontab(minute=17, hour="*/6"),
}
CELERY_IMPORTS = ("shared_kernel.housekeeping",)
CELERY_BEAT_SCHEDULE["outbox-relay"] = {  # hands over what the after-commit dispatch missed
    "task": "shared_kernel.messaging.relay_outbox",
    "schedule": OUTBOX_RELAY_INTERVAL_SECONDS,
    "options": {"queue": "outbox", "expires": OUTBOX_RELAY_INTERVAL_SECONDS},
}
CELERY_BEAT_SCHEDULE["outbox-prune"] = {
    "task": "shared_kernel.messaging.prune_outbox",
    "schedule": OUTBOX_PRUNE_INTERVAL_SECONDS,
    "options": {"queue": "outbox", "expires": OUTBOX_PRUNE_INTERVAL_SECONDS},
}

# --- Payments (later issues) -----------------------------------------------------------------
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Stripe calls (ADR 0028): each attempt bounded, transient failures retried with backoff,
# a circuit breaker that stops calling a gateway that keeps failing.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_RETRIES = env.int("STRIPE_MAX_RETRIES", default=2)
STRIPE_RETRY_BACKOFF_SECONDS = env.float("STRIPE_RETRY_BACKOFF_SECONDS", default=0.5)
PAYMENT_BREAKER_FAIL_MAX = env.int("PAYMENT_BREAKER_FAIL_MAX", default=5)
PAYMENT_BREAKER_RESET_SECONDS = env.float("PAYMENT_BREAKER_RESET_SECONDS", default=30.0)
# A charge or refund not settled this long after it was due is run again by the sweep.
PAYMENT_SETTLE_GRACE_SECONDS = env.float("PAYMENT_SETTLE_GRACE_SECONDS", default=120.0)
# A settlement's task is killed past this (room for Stripe's timeouts and retries, checked
# at start-up); the grace outlasts it, so the sweep never starts one beside one still going.
PAYMENT_SETTLE_TIME_LIMIT_SECONDS = env.int("PAYMENT_SETTLE_TIME_LIMIT_SECONDS", default=90)
if PAYMENT_SETTLE_GRACE_SECONDS <= PAYMENT_SETTLE_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        f"PAYMENT_SETTLE_GRACE_SECONDS ({PAYMENT_SETTLE_GRACE_SECONDS}) must outlast "
        f"PAYMENT_SETTLE_TIME_LIMIT_SECONDS ({PAYMENT_SETTLE_TIME_LIMIT_SECONDS}): the sweep "
        "would start a settlement beside one still running."
    )
PAYMENT_SWEEP_INTERVAL_SECONDS = env.float("PAYMENT_SWEEP_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["payments-sweep-settlements"] = {
    "task": "payments.sweep_settlements",
    "schedule": PAYMENT_SWEEP_INTERVAL_SECONDS,
    "options": {"queue": "payments", "expires": PAYMENT_SWEEP_INTERVAL_SECONDS},
}
# Stripe event ids processed, kept to recognise Stripe's retries of an event (up to 3 days).
PAYMENT_GATEWAY_EVENT_RETENTION_DAYS = env.int("PAYMENT_GATEWAY_EVENT_RETENTION_DAYS", default=30)
if PAYMENT_GATEWAY_EVENT_RETENTION_DAYS < 3:
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY_EVENT_RETENTION_DAYS ({PAYMENT_GATEWAY_EVENT_RETENTION_DAYS}) must be "
        "3 or more: Stripe retries an event for up to 3 days, and a retry of a forgotten event "
        "would be processed again."
    )
CELERY_BEAT_SCHEDULE["payments-prune-gateway-events"] = {
    "task": "payments.prune_gateway_events",
    "schedule": crontab(minute=53, hour=3),
    "options": {"queue": "payments"},
}

# --- Observability (§7) ----------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# One line per request: gunicorn's access line, JSON, with the request id the app sends back
# in `X-Request-ID` (shared_kernel/observability/access_log.py). The app's own line for a
# request that did not fail repeats it at the price of ~40 µs, so it is DEBUG unless
# LOG_REQUESTS (on in development, where runserver writes no such line); 4xx and 5xx stay
# WARNING and ERROR. `request_started` adds nothing but its cost: DEBUG (ADR 0022).
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=DEBUG)
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_STATUS_2XX_LOG_LEVEL = logging.INFO if LOG_REQUESTS else logging.DEBUG
DJANGO_STRUCTLOG_STATUS_DEFAULT_LOG_LEVEL = DJANGO_STRUCTLOG_STATUS_2XX_LOG_LEVEL
PROMETHEUS_EXPORT_MIGRATIONS = False
LOGGING = logging_config(json=LOG_JSON, level=LOG_LEVEL)
configure_structlog(json=LOG_JSON)
