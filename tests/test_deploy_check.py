"""`manage.py check --deploy` is clean with production settings (read at import: a subprocess)."""

import os
import signal
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


def environment(**env: str) -> dict[str, str]:
    """The production environment with `env` on top; a value of None removes the variable."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    for name in (
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES", "SECURE_PROXY_SSL_HEADER",
        "SITE_URL", "PORT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process, never deployed
    ):  # fmt: skip
        base.pop(name, None)
    merged = {**base, **PRODUCTION_ENV, **env}
    return {name: value for name, value in merged.items() if value is not None}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` with Django's settings as `s`, read as a process started with `env` reads
    them (at import: no app needs starting for them, unlike `manage.py shell`)."""
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings as s; {code}"],
        cwd=ROOT,
        env=environment(DJANGO_SETTINGS_MODULE="kb.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
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
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    on = read_settings(code)
    assert on.stdout.split() == ["True", "31536000", "True", "True", "None"], on.stderr
    behind_proxy = read_settings(code, SECURE_PROXY_SSL_HEADER="1")
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy.stdout, behind_proxy.stderr


def test_the_cache_is_redis_when_redis_url_is_set_and_local_memory_otherwise():
    code = "print(s.CACHES['default']['BACKEND'])"
    shared = read_settings(code, REDIS_URL="redis://127.0.0.1:6379/6")
    assert shared.stdout.strip() == "kb.cache.BoundedRedisCache", shared.stderr  # Redis, bounded
    local = read_settings(code)
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", local.stderr


def test_a_malformed_number_setting_is_refused():
    result = run_manage("check", SECURE_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_the_deploy_check_fails_when_site_url_is_not_set():
    result = run_manage("check", "--deploy", SITE_URL=None)
    assert result.returncode != 0
    assert "kb.E001" in result.stderr
    assert "SITE_URL is not set" in result.stderr


def test_a_site_url_that_is_not_a_bare_http_address_is_refused():
    for wrong in ("kb.example.org", "https://kb.example.org/kb?x=1", "ftp://kb.example.org"):
        result = run_manage("check", SITE_URL=wrong)
        assert result.returncode != 0, wrong
        assert "kb.E002" in result.stderr, wrong


def test_make_serve_refuses_to_start_without_site_url():
    server = subprocess.Popen(
        ["make", "serve", "PORT=8197"],
        cwd=ROOT,
        env=environment(SITE_URL=None),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = server.communicate(timeout=120)
    finally:
        if server.poll() is None:  # it started serving: stop it, then fail below
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    assert server.returncode != 0
    assert "kb.E001" in output
    assert "gunicorn" not in output.split("kb.E001")[1]


def test_without_site_url_links_point_at_the_development_server_on_port():
    code = "print(s.SITE_URL)"
    result = read_settings(code, DEBUG="1", SITE_URL=None, PORT="8201")
    assert result.stdout.strip() == "http://127.0.0.1:8201", result.stderr
    default = read_settings(code, DEBUG="1", SITE_URL=None)
    assert default.stdout.strip() == "http://127.0.0.1:8000", default.stderr


def test_make_run_passes_its_port_to_every_step_so_links_name_that_port():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8201"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    steps = [line for line in dry_run.stdout.splitlines() if "manage.py" in line]
    assert steps, dry_run.stdout + dry_run.stderr
    assert all("PORT=8201" in step for step in steps), steps
    assert steps[-1].endswith("runserver 127.0.0.1:8201")
