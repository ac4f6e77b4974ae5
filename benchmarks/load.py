"""`make bench`: kb under load on one machine, against the static-file limit of the same server.

Creates a PostgreSQL database (server from DATABASE_URL, default the local one) named
`kb_bench_<pid>` (or BENCH_DB), loads the default content and 1,000 comparisons x 50 rows x
2 segments of synthetic content, starts gunicorn (gunicorn.conf.py, DEBUG off) on loopback,
and drives each URL with wrk at 32 connections: once with the page cache, once with
PAGE_CACHE=0. Prints a table, writes bench-results.json, and always stops the server and
drops the database. Env: BENCH_SECONDS (per URL, default 5), BENCH_PORT (default 8207).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pages import DEFAULT_CONTENT, PAGE_TYPES_BY_NAME  # noqa: E402

PORT = int(os.getenv("BENCH_PORT", "8207"))
SECONDS = int(os.getenv("BENCH_SECONDS", "5"))
CONNECTIONS = 32
THREADS = 2
WARM_REQUESTS = 20
BASE = f"http://127.0.0.1:{PORT}"

# The page types under load, by their names in the one list of public pages (tests/pages.py),
# on the synthetic 50-row table; "{static}" is the hashed stylesheet, the reference limit.
SYNTHETIC = {
    "comparison": "synthetic-00500",
    "row": "row-025",
    "other_row": "row-026",
    "tag": "topic-03",
    "word": "customer",
}
LOADED = {"table": "large table (50 rows)", "filtered view": "filtered view", "row": "row page",
          "search": "search", "export csv": "export (csv)"}  # fmt: skip
PAGES = {
    "static file": "{static}",
    "default table": PAGE_TYPES_BY_NAME["table"].url(DEFAULT_CONTENT),
    **{label: PAGE_TYPES_BY_NAME[name].url(SYNTHETIC) for name, label in LOADED.items()},
}


# Searches timed one at a time (what one reader waits): the target is on their p95.
SEARCHES = ["dogfood", "sales+team", "%22user+testing%22", "feedback+-B2B", "customer",
            "renewal+churn", "roadmap+-enterprise", "zeppelin"]  # fmt: skip


def database_urls() -> tuple[str, str, str]:
    """(admin URL, bench URL, bench database name)."""
    base = os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = os.getenv("BENCH_DB", f"kb_bench_{os.getpid()}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def admin_sql(admin_url: str, sql: str) -> None:
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_content() -> dict[str, int]:
    from django.core.management import call_command

    from benchmarks.synthetic import make_synthetic_content, update_planner_statistics

    call_command("migrate", verbosity=0)
    call_command("load_default_content", verbosity=0)
    started = time.perf_counter()
    counts = {"entries": make_synthetic_content(comparisons=1000, dimensions=50)}
    update_planner_statistics()
    print(f"synthetic content: {counts} in {time.perf_counter() - started:.1f} s")
    call_command("collectstatic", verbosity=0, interactive=False)
    return counts


def static_url() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    return "/" + staticfiles_storage.url("css/base.css").lstrip("/")


def queries_per_page(urls: dict[str, str]) -> dict[str, int]:
    """SQL queries of one uncached render of each page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    counts = {}
    with override_settings(PAGE_CACHE=False, ALLOWED_HOSTS=["testserver"]):
        for name, url in urls.items():
            if url.startswith("/static/"):
                continue
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{name} ({url}) answered {status}")
            counts[name] = len(queries)
    return counts


def start_server(env: dict[str, str]) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "kb.wsgi",
        "--bind", f"127.0.0.1:{PORT}", "--access-logfile", "/dev/null", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_wrk(url: str) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", BASE + url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s))", output, re.M))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "errors": (sum(map(int, socket.groups())) if socket else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def search_latency(rounds: int = 25) -> dict[str, float]:
    """p50/p95 of /search/ with one request in flight, over several queries."""
    timings = []
    for _ in range(rounds):
        for query in SEARCHES:
            started = time.perf_counter()
            urllib.request.urlopen(f"{BASE}/search/?q={query}", timeout=30).read()
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "requests": len(timings),
        "p50_ms": round(timings[len(timings) // 2], 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def measure(env: dict[str, str], urls: dict[str, str]) -> tuple[dict[str, dict], dict]:
    server = start_server(env)
    try:
        results = {}
        for name, url in urls.items():
            try:
                # Steady state: each worker has its own cache (unless REDIS_URL is set), and
                # a few requests each are enough to reach all of them.
                for _ in range(WARM_REQUESTS):
                    urllib.request.urlopen(BASE + url, timeout=60).read()
            except urllib.error.HTTPError as error:
                raise SystemExit(f"bench: {name} ({url}) answered {error.code}") from None
            results[name] = run_wrk(url)
        limit = results["static file"]["requests_per_s"]
        for figures in results.values():
            figures["ratio_to_static"] = round(figures["requests_per_s"] / limit, 3)
        return results, search_latency()
    finally:
        stop_server(server)


def print_table(title: str, measured: tuple[dict, dict], queries: dict[str, int]) -> None:
    results, searches = measured
    print(f"\n{title} ({CONNECTIONS} connections, {SECONDS} s per page)")
    heads = ("req/s", "p50 ms", "p99 ms", "errors", "vs static", "queries")
    print(f"{'page':24} " + " ".join(f"{head:>9}" for head in heads))
    for name, f in results.items():
        print(
            f"{name:24} {f['requests_per_s']:9.0f} {f['p50_ms']:9.1f} {f['p99_ms']:9.1f} "
            f"{f['errors']:9d} {f['ratio_to_static']:9.0%} {queries.get(name, 0):9d}"
        )  # fmt: skip
    print(
        f"search, one request at a time ({searches['requests']} over {len(SEARCHES)} queries): "
        f"p50 {searches['p50_ms']} ms, p95 {searches['p95_ms']} ms"
    )


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk (Debian: apt-get install wrk).")
    admin_url, bench_url, name = database_urls()
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        setup_django(env)
        counts = load_content()
        urls = {page: url.format(static=static_url()) for page, url in PAGES.items()}
        queries = queries_per_page(urls)
        from django.db import connections

        connections.close_all()
        cached = measure({**env, "PAGE_CACHE": "1"}, urls)
        print_table("Page cache on", cached, queries)
        uncached = measure({**env, "PAGE_CACHE": "0"}, urls)
        print_table("Page cache off (PAGE_CACHE=0)", uncached, queries)
        report = {
            "content": counts,
            "connections": CONNECTIONS,
            "seconds_per_page": SECONDS,
            "cpus": os.cpu_count(),
            "urls": urls,
            "queries_per_page": queries,
            "cached": cached[0],
            "uncached": uncached[0],
            "search_one_at_a_time": {"cached": cached[1], "uncached": uncached[1]},
        }
        (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote bench-results.json in {time.perf_counter() - started:.0f} s")
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped database {name}")


if __name__ == "__main__":
    main()
