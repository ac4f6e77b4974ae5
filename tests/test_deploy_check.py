"""`manage.py check --deploy` is clean with production settings (read at import: a subprocess)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-Zq8vN3xT6pW1rY9uK4mB7cL2dF5hJ0gS",
    "ALLOWED_HOSTS": "kb.example.org",
    "SITE_URL": "https://kb.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    for name in (
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES", "SECURE_PROXY_SSL_HEADER",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process, never deployed
    ):  # fmt: skip
        base.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_https_is_switched_off_without_a_proxy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_settings_redirect_to_https_with_hsts_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    on = run_manage("shell", "-v", "0", "-c", code)
    assert on.stdout.split() == ["True", "31536000", "True", "True", "None"], on.stderr
    behind_proxy = run_manage("shell", "-v", "0", "-c", code, SECURE_PROXY_SSL_HEADER="1")
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy.stdout, behind_proxy.stderr


def test_the_cache_is_redis_when_redis_url_is_set_and_local_memory_otherwise():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    shared = run_manage("shell", "-v", "0", "-c", code, REDIS_URL="redis://127.0.0.1:6379/6")
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shared.stderr
    local = run_manage("shell", "-v", "0", "-c", code)
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", local.stderr


def test_a_malformed_number_setting_is_refused():
    result = run_manage("check", SECURE_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr
