"""Django settings, read entirely from the environment.

TS_SECRET_KEY            Django SECRET_KEY (SimpleJWT's default signing key)
TS_SIGNING_KEY           SIMPLE_JWT SIGNING_KEY (default: TS_SECRET_KEY)
TS_ALGORITHM             SIMPLE_JWT ALGORITHM (default HS256)
TS_DB                    sqlite file path (default: a fresh temp dir)
TS_CORS_ALLOWED_ORIGINS  comma-separated origins, e.g. http://localhost:3000
TS_CORS_ALLOW_CREDENTIALS 1/0 (default 0)
TS_ROTATE                1/0 -> ROTATE_REFRESH_TOKENS
TS_BLACKLIST             1/0 -> BLACKLIST_AFTER_ROTATION + token_blacklist app
TS_ACCESS_SECONDS        access lifetime in seconds (default 300)
TS_REFRESH_SECONDS       refresh lifetime in seconds (default 86400)
TS_LEEWAY                SIMPLE_JWT LEEWAY in seconds (default 0)
TS_DEBUG                 1/0 -> DEBUG (default 0, so errors look like production)
TS_RUNSERVER_LOG         1/0 -> log like `manage.py runserver` with DEBUG on:
                         "[date] "POST ... HTTP/1.1" 401 58" request lines and
                         django.request's "Unauthorized: /path" (default 0)
"""

import os
import tempfile
from datetime import timedelta


def _flag(name, default="0"):
    return os.environ.get(name, default).strip() in ("1", "true", "yes")


def _seconds(name, default):
    return timedelta(seconds=float(os.environ.get(name) or default))


def _list(name):
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


SECRET_KEY = os.environ.get("TS_SECRET_KEY") or "tokenscope-insecure-dev-secret-key"
DEBUG = _flag("TS_DEBUG")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

ROTATE = _flag("TS_ROTATE")
BLACKLIST = _flag("TS_BLACKLIST")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
]
if BLACKLIST:
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")

# The stack of a default `startproject`, with CorsMiddleware first as the
# django-cors-headers docs require, so responses look like a typical backend.
# Only the Origin logger (stdout, for the tests) comes before it: it changes
# nothing and sees the preflights CorsMiddleware answers by itself.
MIDDLEWARE = [
    "tsbackend.originlog.origin_log",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tsbackend.urls"
WSGI_APPLICATION = None

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("TS_DB")
        or os.path.join(tempfile.mkdtemp(prefix="tsbackend-"), "db.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": _seconds("TS_ACCESS_SECONDS", 300),
    "REFRESH_TOKEN_LIFETIME": _seconds("TS_REFRESH_SECONDS", 86400),
    "ROTATE_REFRESH_TOKENS": ROTATE,
    "BLACKLIST_AFTER_ROTATION": BLACKLIST,
    "ALGORITHM": os.environ.get("TS_ALGORITHM") or "HS256",
    "SIGNING_KEY": os.environ.get("TS_SIGNING_KEY") or SECRET_KEY,
    "LEEWAY": float(os.environ.get("TS_LEEWAY") or 0),
}

CORS_ALLOWED_ORIGINS = _list("TS_CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = _flag("TS_CORS_ALLOW_CREDENTIALS")

# Request lines go to stderr (the Go harness shows them when a test fails).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.server": {"handlers": ["stderr"], "level": "INFO"}},
}

# With TS_RUNSERVER_LOG, the loggers and formats of Django's DEFAULT_LOGGING as
# `manage.py runserver` uses them with DEBUG on (its console handler is only
# filtered to DEBUG, which stays off here so error pages look like production).
if _flag("TS_RUNSERVER_LOG"):
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            }
        },
        "handlers": {
            "console": {"level": "INFO", "class": "logging.StreamHandler"},
            "django.server": {
                "level": "INFO",
                "class": "logging.StreamHandler",
                "formatter": "django.server",
            },
        },
        "loggers": {
            "django": {"handlers": ["console"], "level": "INFO"},
            "django.server": {
                "handlers": ["django.server"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }
