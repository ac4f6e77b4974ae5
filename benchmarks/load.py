"""`make bench`: kb under load on one machine, each figure against the static-file limit of
the same server in the same run.

Creates a PostgreSQL database (server from DATABASE_URL, default the local one) named
`kb_bench_<pid>` (or BENCH_DB), loads the default content, times the pages whose size grows
with the knowledge base (home, sitemap, API list, search) in this process with the page cache
off, adds a 200-row table and 1,000 comparisons x 50 rows x 2 segments of synthetic content,
times those pages again, and measures each page (the default table, a 50-row and a 200-row
table, a filtered view, a row page, search) with wrk in two states of the server:

- cached: the page cache on, as deployed;
- after edit: the page cache off (PAGE_CACHE=0), so every request renders the page as the
  first view after an edit does.

Each state runs gunicorn (gunicorn.conf.py, DEBUG off) with a Redis of its own as the shared
cache (as README, "Deploying", recommends) and deploy/nginx.conf's nginx in front on a spare
port (tests/nginx_server.py, under Debian's stock nginx.conf settings): pages through gunicorn
are compared with gunicorn's static file, pages through nginx with the same nginx serving the
same page's HTML saved as a file. Each rate is the better of two runs, the page's and its
limit's taken in turn, so that a burst of load elsewhere moves both. Also times real edits
through the write service (save a cell or a row's title, then view its table, one at a time,
as a reader and as the staff member who saved) and searches one at a time. Prints the load
average before and after: on a shared machine the figures move with it.
Prints tables, writes bench-results.json, always stops the servers and drops the database.
Env: BENCH_SECONDS (per run, default 5), BENCH_PORT (gunicorn's, default 8207; Redis takes the
next port).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.nginx_server import nginx_binary, start_nginx  # noqa: E402
from tests.pages import DEFAULT_CONTENT, PAGE_TYPES_BY_NAME  # noqa: E402

PORT = int(os.getenv("BENCH_PORT", "8207"))
SECONDS = int(os.getenv("BENCH_SECONDS", "5"))
CONNECTIONS = {"gunicorn": 32, "nginx": 64}
THREADS = 2
WARM_REQUESTS = 20
BASE = f"http://127.0.0.1:{PORT}"

# The page types under load, by their names in the one list of public pages (tests/pages.py),
# on the default table and on a synthetic 50-row table.
SYNTHETIC = {
    "comparison": "synthetic-00500",
    "row": "row-025",
    "other_row": "row-026",
    "tag": "topic-03",
    "word": "customer",
}
PAGES = {
    "default table": PAGE_TYPES_BY_NAME["table"].url(DEFAULT_CONTENT),
    "table (50 rows)": PAGE_TYPES_BY_NAME["table"].url(SYNTHETIC),
    "table (200 rows)": PAGE_TYPES_BY_NAME["table"].url(
        {**SYNTHETIC, "comparison": "synthetic-00000"}
    ),
    "filtered view": PAGE_TYPES_BY_NAME["filtered view"].url(SYNTHETIC),
    "row page": PAGE_TYPES_BY_NAME["row"].url(SYNTHETIC),
    "search": PAGE_TYPES_BY_NAME["search"].url(SYNTHETIC),
}
# The tables whose cells `edit_then_view` edits: (page, comparison slug).
EDITED = {
    "default table": DEFAULT_CONTENT["comparison"],
    "table (50 rows)": "synthetic-00500",
    "table (200 rows)": "synthetic-00000",
}
STATES = {"cached": {"PAGE_CACHE": "1"}, "after edit": {"PAGE_CACHE": "0"}}
# Pages whose size grows with the knowledge base, timed in this process (page cache off).
LARGE_PAGES = {
    "home": "/",
    "table list": "/tables/",
    "tags": "/tags/",
    "tag page": "/tags/{tag}/",
    "sitemap index": "/sitemap.xml",
    "sitemap rows file": "/sitemap-rows.xml",
    "last sitemap rows file": "/sitemap-rows.xml?p=last",
    "sitemap tables file": "/sitemap-comparisons.xml",
    "API list": "/api/v1/comparisons/",
    "search": "/search/?q=customers",
    "search, nothing found": "/search/?q=zeppelin",
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


def load_content() -> tuple[dict[str, int], dict]:
    from django.core.management import call_command

    from benchmarks.synthetic import make_synthetic_content, update_planner_statistics

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # pages name hashed files
    call_command("load_default_content", verbosity=0)
    large = {"default content": large_pages(tag="customers")}
    started = time.perf_counter()
    entries = make_synthetic_content(comparisons=1, dimensions=200)
    counts = {"entries": entries + make_synthetic_content(comparisons=1000, dimensions=50)}
    update_planner_statistics()
    print(f"synthetic content: {counts} in {time.perf_counter() - started:.1f} s")
    large["+1,000 tables of 50 rows"] = large_pages(tag=SYNTHETIC["tag"])
    return counts, large


def large_pages(tag: str, rounds: int = 5) -> dict[str, dict]:
    """Median time and size of each of LARGE_PAGES, rendered in this process, with an empty
    cache (values computed once per generation, such as tag counts, computed again)."""
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    figures = {}
    with override_settings(PAGE_CACHE=False, ALLOWED_HOSTS=["testserver"]):
        for name, url in LARGE_PAGES.items():
            url = url.format(tag=tag).replace("p=last", f"p={sitemap_pages('rows')}")
            timings, size = [], 0
            for _ in range(rounds):
                cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{name} ({url}) answered {response.status_code}")
                timings.append((time.perf_counter() - started) * 1000)
                size = len(response.content)
            figures[name] = {"ms": round(sorted(timings)[rounds // 2], 1), "kb": round(size / 1024)}
    return figures


def sitemap_pages(section: str) -> int:
    from comparisons.api.sitemaps import SITEMAPS

    return SITEMAPS[section]().paginator.num_pages


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
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{name} ({url}) answered {status}")
            counts[name] = len(queries)
    return counts


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of the bench's own, bounded as README, "Deploying", says to run it."""
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return redis
        except OSError:
            time.sleep(0.05)
    redis.kill()
    raise SystemExit("redis-server did not start")


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


def fetch(url: str, cookie: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"bench: {url} answered {error.code}") from None


def run_wrk(url: str, connections: int) -> dict[str, float]:
    for _ in range(WARM_REQUESTS):  # each gunicorn worker (and nginx's cache) sees the page
        fetch(url)
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{SECONDS}s", "--latency", url],
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


def percentiles(timings: list[float]) -> dict[str, float]:
    timings = sorted(timings)
    return {
        "requests": len(timings),
        "p50_ms": round(timings[len(timings) // 2], 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
    }


def search_latency(rounds: int = 25) -> dict[str, float]:
    """p50/p95 of /search/ with one request in flight, over several queries."""
    timings = []
    for _ in range(rounds):
        for query in SEARCHES:
            started = time.perf_counter()
            fetch(f"{BASE}/search/?q={query}")
            timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def edit_then_view(slug: str, url: str, warm: int = 10, edits: int = 30) -> dict[str, dict]:
    """Save a cell of table `slug` through the write path, then time the next view of `url`
    (one request in flight): what the first reader after an edit waits, and what the staff
    member who saved waits for the table (never cached). The same with a row's title. The
    first `warm` edits are not timed, so that each gunicorn worker has rendered the table."""
    from comparisons.models import Entry

    entry = Entry.objects.filter(dimension__comparison__slug=slug).order_by("pk").first()
    staff = staff_cookie()
    return {
        "cell": _time_edits(entry, "body", url, warm, edits),
        "row title": _time_edits(entry.dimension, "title", url, warm, edits),
        "cell, staff": _time_edits(entry, "body", url, warm, edits, staff),
    }


def staff_cookie() -> str:
    """The session cookie of a staff member signed in (a session row, as the login makes)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _time_edits(instance, field, url, warm, edits, cookie: str = "") -> dict[str, float]:
    from comparisons.history import writes

    original = getattr(instance, field)
    timings = []
    for number in range(warm + edits):
        setattr(instance, field, f"{original} (edit {number})")
        writes.save(None, instance)
        started = time.perf_counter()
        fetch(BASE + url, cookie)
        if number >= warm:
            timings.append((time.perf_counter() - started) * 1000)
    setattr(instance, field, original)
    writes.save(None, instance)
    return percentiles(timings)


def save_pages_as_files(urls: dict[str, str], directory: Path) -> dict[str, str]:
    """Each page's HTML as nginx's own static file: its limit for the same bytes."""
    files = {}
    pages = {name: url for name, url in urls.items() if name != "static file"}
    for number, (name, url) in enumerate(pages.items()):
        (directory / f"page-{number}.html").write_bytes(fetch(BASE + url))
        files[name] = f"/static/page-{number}.html"
    return files


def measure_state(state: str, env, urls, scratch: Path, files: dict[str, str] | None) -> dict:
    """Every page through gunicorn and through nginx, with the server in one state."""
    server = start_server(env)
    nginx = None
    try:
        if files is None:
            files = save_pages_as_files(urls, scratch / "static")
        nginx = start_nginx(PORT, scratch / "static", scratch / f"nginx-{time.monotonic_ns()}")
        static = BASE + urls["static file"]
        figures = {"static file": None, "pages": {}, "nginx_files": files}
        for name, url in urls.items():
            if name == "static file":
                continue
            limit, direct = best_of_two(static, BASE + url, "gunicorn")
            file, proxied = best_of_two(nginx.base + files[name], nginx.base + url, "nginx")
            if (
                not figures["static file"]
                or limit["requests_per_s"] > figures["static file"]["requests_per_s"]
            ):
                figures["static file"] = limit
            figures["pages"][name] = {"gunicorn": direct, "nginx": proxied, "nginx file": file}
        if state == "cached":
            figures["edit_then_view"] = {
                page: edit_then_view(slug, urls[page]) for page, slug in EDITED.items()
            }
        elif state == "after edit":  # the searches themselves, no page cache
            figures["search_one_at_a_time"] = search_latency()
        return figures
    finally:
        if nginx:
            nginx.stop()
        stop_server(server)


def best_of_two(limit_url: str, page_url: str, server: str) -> tuple[dict, dict]:
    """(the limit's run, the page's run), each the faster of two taken in turn; the page's
    with its share of the limit."""
    runs = [run_wrk(url, CONNECTIONS[server]) for _ in range(2) for url in (limit_url, page_url)]
    limit, page = (
        max(pair, key=lambda run: run["requests_per_s"]) for pair in (runs[0::2], runs[1::2])
    )
    page["ratio_to_static"] = round(page["requests_per_s"] / limit["requests_per_s"], 3)
    return limit, page


def print_report(states: dict, limits: dict, queries: dict[str, int], large, load) -> None:
    print(f"load average (1, 5, 15 min) before: {load[0]}, after: {load[1]}")
    for size, figures in large.items():
        print(f"pages that grow with the site, one process, uncached, {size}: " + ", ".join(
            f"{name} {f['ms']} ms / {f['kb']} KB" for name, f in figures.items()
        ))  # fmt: skip
    print(
        f"\nreq/s as a share of the same server's static limit; gunicorn at "
        f"{CONNECTIONS['gunicorn']} connections, nginx at {CONNECTIONS['nginx']}, {SECONDS} s each"
    )
    for state, figures in states.items():
        rate = figures["static file"]["requests_per_s"]
        print(f"  gunicorn static file ({state} run): {rate:.0f} req/s")
    for server, limit in (("gunicorn", "gunicorn's static file"), ("nginx", "nginx's file")):
        print(f"\nthrough {server}: share of {limit}, req/s, p99 ms")
        print(f"{'page':18} {'queries':>7} " + " ".join(f"{state:>22}" for state in states))
        for name in limits:
            cells = []
            for figures in states.values():
                f = figures["pages"][name][server]
                cells.append(
                    f"{f['ratio_to_static']:5.0%} {f['requests_per_s']:6.0f} {f['p99_ms']:7.1f}"
                )
            print(f"{name:18} {queries[name]:7d} " + " ".join(f"{cell:>22}" for cell in cells))
    print("nginx's file of the same HTML (cached run): " + ", ".join(
        f"{name} {f['requests_per_s']:.0f} req/s (p99 {f['p99_ms']:.1f} ms)"
        for name, f in limits.items()
    ))  # fmt: skip
    errors = sum(
        page[server]["errors"] for figures in states.values()
        for page in figures["pages"].values() for server in ("gunicorn", "nginx")
    )  # fmt: skip
    print(f"errors (socket or non-2xx) in all runs: {errors}")
    for page, by_edit in states["cached"]["edit_then_view"].items():
        for edit, timing in by_edit.items():
            print(
                f"edit a {edit}, then view {page} (one at a time, {timing['requests']} edits): "
                f"p50 {timing['p50_ms']} ms, p95 {timing['p95_ms']} ms"
            )
    searches = states["after edit"]["search_one_at_a_time"]
    print(
        f"search, one request at a time, page cache off ({searches['requests']} over "
        f"{len(SEARCHES)} queries): p50 {searches['p50_ms']} ms, p95 {searches['p95_ms']} ms"
    )


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk (Debian: apt-get install wrk).")
    if not nginx_binary():
        sys.exit("make bench needs nginx (Debian: apt-get install nginx).")
    if not shutil.which("redis-server"):
        sys.exit("make bench needs redis-server (Debian: apt-get install redis-server).")
    admin_url, bench_url, name = database_urls()
    redis = start_redis(PORT + 1)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": f"redis://127.0.0.1:{PORT + 1}/0",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    load_before = os.getloadavg()
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    scratch = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    (scratch / "static").mkdir()
    try:
        setup_django(env)
        counts, large = load_content()
        queries = queries_per_page(PAGES)
        urls = {"static file": static_url(), **PAGES}
        from django.db import connections

        connections.close_all()
        states, files = {}, None
        for state, overrides in STATES.items():
            print(f"measuring: {state}")
            states[state] = measure_state(state, {**env, **overrides}, urls, scratch, files)
            files = states[state]["nginx_files"]
        limits = {name: page["nginx file"] for name, page in states["cached"]["pages"].items()}
        report = {
            "content": counts,
            "connections": CONNECTIONS,
            "seconds_per_run": SECONDS,
            "cpus": os.cpu_count(),
            "load_average_before": [round(load, 2) for load in load_before],
            "load_average_after": [round(load, 2) for load in os.getloadavg()],
            "urls": PAGES,
            "queries_per_page": queries,
            "large_pages": large,
            "nginx_file_of_the_same_html": limits,
            "states": states,
        }
        (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
        load = (report["load_average_before"], report["load_average_after"])
        print_report(states, limits, queries, large, load)
        print(f"\nwrote bench-results.json in {time.perf_counter() - started:.0f} s")
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        shutil.rmtree(scratch, ignore_errors=True)
        redis.terminate()
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped database {name}")


if __name__ == "__main__":
    main()
