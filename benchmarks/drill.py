"""`make drill`: kb under a bounded load while its Redis and its PostgreSQL hang, stop and
start, behind gunicorn alone and behind nginx, then after a flood of random query values.

Starts its own Redis (`redis-server`, maxmemory with allkeys-lru) and its own PostgreSQL
(`initdb` in a temporary directory, run as the `postgres` user when started as root) on
spare ports, loads the default content, serves it with gunicorn as `make serve` does
(gunicorn.conf.py, DEBUG off) and deploy/nginx.conf in front (tests/nginx_server.py), reads
every page once so that it is cached, then drives a load from a few threads, half of it
through nginx: pages read before (cached) and searches for random words (never cached).
Each service is hung (SIGSTOP: it keeps its connections but answers nothing), resumed, then
stopped and started again, in turn; the status codes of each phase are printed. Last, the
flood: FLOOD_VALUES random values of every query parameter a page reads, after which every
page cached before must still be served while PostgreSQL is stopped.

It fails on any 500 or request unanswered, any cached page not served 200 in any phase,
any request slower than SLOWEST_SECONDS, /healthz slower than a second, or if the content
exported (`export_kb`) before and after differs. Everything it started is stopped and
removed at the end. Env: DRILL_SECONDS (per phase), FLOOD_VALUES (per parameter).
"""

import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.nginx_server import start_nginx  # noqa: E402
from tests.pages import DEFAULT_CONTENT, PAGE_TYPES, urls  # noqa: E402

PG_BIN = Path(os.getenv("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECONDS = float(os.getenv("DRILL_SECONDS", "8"))
FLOOD_VALUES = int(os.getenv("FLOOD_VALUES", "1000"))
THREADS = 4
SLOWEST_SECONDS = 5
HEALTHZ_SECONDS = 1
WORKERS = "3"
# Pages read before the faults, so cached: every HTML, file and API page of the default
# content (pictures are drawn from the database, short links need a link made first).
CACHED = [
    url
    for name, url in urls(DEFAULT_CONTENT).items()
    if next(p for p in PAGE_TYPES if p.name == name).kind not in ("image", "redirect")
]
OUTAGE_LINE = re.compile(r"^(Database|Cache) (is down|still down|is back)")
WORDS = ["pricing", "churn", "onboarding", "roadmap", "renewal", "support", "trial", "seats"]
# Every query parameter a public page reads, and one tracker's.
FLOOD_PARAMETERS = ["as_of", "version", "q", "only", "tag", "segments", "utm_x"]


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Services:
    """Redis and PostgreSQL of the drill's own, in a temporary directory."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.redis_port, self.pg_port = spare_port(), spare_port()
        self.pg_data = workdir / "pg"
        self.redis = None
        self.hung_postgres: list[int] = []

    def as_postgres(self, *command) -> list[str]:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            return ["runuser", "-u", "postgres", "--", *map(str, command)]
        return list(map(str, command))

    def init_postgres(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
        run(self.as_postgres(PG_BIN / "initdb", "-D", self.pg_data, "-U", "postgres",
                             "--auth=trust", "--no-sync"))  # fmt: skip
        self.start_postgres()
        run(self.as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.pg_port,
                             "-U", "postgres", "kb"))  # fmt: skip

    def start_postgres(self) -> None:
        options = f"-p {self.pg_port} -k {self.workdir} -c listen_addresses=127.0.0.1"
        run(self.as_postgres(PG_BIN / "pg_ctl", "-D", self.pg_data, "-o", options,
                             "-l", self.workdir / "pg.log", "-w", "start"))  # fmt: skip

    def stop_postgres(self) -> None:
        run(self.as_postgres(PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", "fast", "-w", "stop"))

    def postgres_processes(self) -> list[int]:
        """The postmaster and its children (the backends holding the app's connections)."""
        postmaster = int((self.pg_data / "postmaster.pid").read_text().split()[0])
        children = [
            int(stat.parent.name)
            for stat in Path("/proc").glob("[0-9]*/stat")
            if _parent(stat) == postmaster
        ]
        return [postmaster, *children]

    def hang_postgres(self) -> None:
        self.hung_postgres = self.postgres_processes()
        for pid in self.hung_postgres:
            os.kill(pid, signal.SIGSTOP)

    def resume_postgres(self) -> None:
        for pid in reversed(self.hung_postgres):
            os.kill(pid, signal.SIGCONT)
        self.hung_postgres = []

    def hang_redis(self) -> None:
        os.kill(self.redis.pid, signal.SIGSTOP)

    def resume_redis(self) -> None:
        os.kill(self.redis.pid, signal.SIGCONT)

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--maxmemory", "64mb",
             "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.redis_port), 1).close())

    def stop_redis(self) -> None:
        if self.redis and self.redis.poll() is None:
            self.resume_redis()
            self.redis.terminate()
            self.redis.wait(10)

    def env(self, port: int) -> dict[str, str]:
        return {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "drill-" + secrets.token_urlsafe(30),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/kb",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "WEB_CONCURRENCY": WORKERS,
            "PORT": str(port),
            # The load comes from one address: the API's limit per address would answer 429.
            "API_RATE_LIMIT": "1000000/m",
            "TRUSTED_PROXIES": "127.0.0.1",
        }

    def stop_all(self) -> None:
        if self.hung_postgres:
            self.resume_postgres()
        self.stop_redis()
        if (self.pg_data / "postmaster.pid").exists():
            self.stop_postgres()


def _parent(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None  # the process ended meanwhile


def run(command: list, env=None) -> None:
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def wait_for(probe, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            probe()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def get(url: str) -> tuple[int, float]:
    """(status, seconds taken)."""
    started = time.monotonic()
    status = fetch(url)[0]
    return status, time.monotonic() - started


def fetch(url: str) -> tuple[int, str]:
    """(status, the URL answered after redirects); status 0 for no answer."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, url
    except OSError:
        return 0, url  # no answer at all


def load(bases: dict[str, str], seconds: float, phase: int) -> dict:
    """Status codes for cached pages and for never-cached searches, by route (gunicorn alone,
    nginx in front), from THREADS threads (their random words differ from one phase to the
    next), and the slowest answer."""
    counts = {f"{route} {kind}": Counter() for route in bases for kind in ("cached", "uncached")}
    counts["failed"], slowest = Counter(), [0.0, ""]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader(seed: int) -> None:
        chance = random.Random(seed)
        while time.monotonic() < deadline:
            route = chance.choice(list(bases))
            if chance.random() < 0.8:
                kind, path = "cached", chance.choice(CACHED)
            else:
                words = "+".join(chance.sample(WORDS, 2)) + f"+{chance.randrange(10**6)}"
                kind, path = "uncached", f"/search/?q={words}"
            status, took = get(bases[route] + path)
            with lock:
                counts[f"{route} {kind}"][status] += 1
                if kind == "cached" and status != 200:
                    counts["failed"][f"{route} {path}"] += 1
                if took > slowest[0]:
                    slowest[:] = [took, f"{route} {path} ({status})"]

    seeds = range(phase * THREADS, (phase + 1) * THREADS)
    threads = [threading.Thread(target=reader, args=(seed,)) for seed in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts["slowest"] = slowest
    return counts


def flood(base: str, values: int) -> tuple[Counter, list]:
    """`values` random values of each of FLOOD_PARAMETERS on the pages read before, from
    THREADS threads: (status codes, [slowest seconds, its URL])."""
    chance = random.Random(2026)
    paths = sorted({path.split("?")[0] for path in CACHED})
    queue = [
        f"{chance.choice(paths)}?{parameter}={_random_value(chance, parameter)}"
        for parameter in FLOOD_PARAMETERS
        for _ in range(values)
    ]
    chance.shuffle(queue)
    statuses, slowest, lock = Counter(), [0.0, ""], threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            status, took = get(base + path)
            with lock:
                statuses[status] += 1
                if took > slowest[0]:
                    slowest[:] = [took, f"{path} ({status})"]

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, slowest


def _random_value(chance: random.Random, parameter: str) -> str:
    if parameter in ("as_of", "version"):
        return str(
            chance.randrange(10**9, 2 * 10**9) if parameter == "as_of" else chance.randrange(10**6)
        )
    word = "".join(
        chance.choice("abcdefghijklmnopqrstuvwxyz-") for _ in range(chance.randrange(3, 12))
    )
    return word


def health(base: str) -> tuple[str, float]:
    """(/healthz's answer, seconds taken)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            answer = response.read().decode()
    except urllib.error.HTTPError as error:
        answer = error.read().decode()
    except OSError as error:
        answer = f"no answer ({error})"
    return answer, time.monotonic() - started


def export(env: dict[str, str], path: Path) -> dict:
    """The whole content and its history, as `export_kb` writes a backup (less its date)."""
    run([ROOT / ".venv/bin/python", "manage.py", "export_kb", path], env=env)
    content = json.loads(path.read_text())
    content.pop("exported")
    return content


def main() -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="kb-drill-"))
    services = Services(workdir)
    port = spare_port()
    base = f"http://127.0.0.1:{port}"
    server = nginx = None
    failures = []
    try:
        services.init_postgres()
        services.start_redis()
        env = services.env(port)
        python = str(ROOT / ".venv/bin/python")
        run([python, "manage.py", "migrate", "--no-input"], env=env)
        run([python, "manage.py", "load_default_content"], env=env)
        run([python, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"], env=env)
        before = export(env, workdir / "before.json")
        log = workdir / "server.log"
        with log.open("w") as log_file:  # the app's log (stderr) and gunicorn's
            server = subprocess.Popen(
                [ROOT / ".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "kb.wsgi",
                 "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
                cwd=ROOT, env=env, start_new_session=True, stdout=log_file, stderr=log_file,
            )  # fmt: skip
        wait_for(lambda: urllib.request.urlopen(base + "/healthz", timeout=2).close())
        nginx = start_nginx(port, ROOT / "staticfiles", workdir / "nginx")
        bases = {"gunicorn": base, "nginx": nginx.base}

        def warm() -> None:
            """Read every page; a redirect (to a filter's short form) is read at its target."""
            for index, path in enumerate(CACHED):
                status, answered = fetch(base + path)
                if status != 200:
                    failures.append(f"{path} did not answer 200 before the drill")
                CACHED[index] = answered.removeprefix(base)
                fetch(nginx.base + CACHED[index])

        phases = [
            ("all up", warm, None),
            ("Redis hung", services.hang_redis, services.resume_redis),
            ("Redis resumed", None, None),
            ("PostgreSQL hung", services.hang_postgres, services.resume_postgres),
            ("PostgreSQL resumed", None, None),
            ("Redis down", services.stop_redis, services.start_redis),
            ("Redis back", warm, None),
            ("PostgreSQL down", services.stop_postgres, services.start_postgres),
            ("PostgreSQL back", None, None),
        ]
        print(f"Fault drill: {THREADS} threads, {SECONDS:.0f} s per phase, {len(CACHED)} "
              f"cached pages, gunicorn with {WORKERS} workers, half the requests through "
              f"nginx\n")  # fmt: skip
        columns = [f"{route} {kind}" for route in bases for kind in ("cached", "uncached")]
        print(" | ".join(["phase", *columns, "slowest", "/healthz"]))
        for number, (name, before_load, after_load) in enumerate(phases):
            if before_load:
                before_load()
            probe = {}
            middle = threading.Timer(SECONDS / 2, lambda: probe.update(healthz=health(base)))  # noqa: B023
            middle.start()
            counts = load(bases, SECONDS, number)
            middle.join()
            if after_load:
                after_load()
            answer, took = probe.get("healthz", ("", 0.0))
            row = [", ".join(f"{code or 'none'}: {n}" for code, n in sorted(counts[c].items()))
                   for c in columns]  # fmt: skip
            slowest, slowest_url = counts["slowest"]
            print(" | ".join([name, *row, f"{slowest:.2f} s", f"{answer.strip()} in {took:.2f} s"]))
            for column in columns:
                if counts[column][500] or counts[column][0]:
                    failures.append(f"{name}: {column} pages got 500s or no answer")
            if counts["failed"]:
                failures.append(f"{name}: cached pages not served 200: {dict(counts['failed'])}")
            if slowest > SLOWEST_SECONDS:
                failures.append(f"{name}: a request took {slowest:.1f} s: {slowest_url}")
            if took > HEALTHZ_SECONDS:
                failures.append(f"{name}: /healthz took {took:.1f} s")

        flood_started = time.monotonic()
        statuses, (slowest, slowest_url) = flood(base, FLOOD_VALUES)
        flooded = sum(statuses.values())
        print(f"\nFlood: {flooded} requests ({FLOOD_VALUES} random values of each of "
              f"{', '.join(FLOOD_PARAMETERS)}) in {time.monotonic() - flood_started:.0f} s: "
              f"{dict(sorted(statuses.items()))}, slowest {slowest:.2f} s")  # fmt: skip
        if statuses[500] or statuses[0]:
            failures.append("Flood: 500s or no answer")
        if slowest > SLOWEST_SECONDS:
            failures.append(f"Flood: a request took {slowest:.1f} s: {slowest_url}")
        services.stop_postgres()
        lost = [path for path in CACHED if fetch(base + path)[0] != 200]
        services.start_postgres()
        print(f"After the flood, PostgreSQL stopped: {len(CACHED) - len(lost)} of {len(CACHED)} "
              f"pages cached before served 200 by the app.")  # fmt: skip
        if lost:
            failures.append(f"After the flood, cached pages lost: {lost}")

        wait_for(lambda: urllib.request.urlopen(base + "/healthz", timeout=2).close())
        lines = log.read_text().splitlines()
        outages = [line for line in lines if OUTAGE_LINE.search(line)]
        tracebacks = sum(line.startswith("Traceback") for line in lines)
        print(f"\nThe server logged {len(lines)} lines, {tracebacks} tracebacks, "
              f"{len(outages)} lines about outages:")  # fmt: skip
        print("\n".join(f"  {line[:120]}" for line in outages))
        after = export(env, workdir / "after.json")
        if after != before:
            failures.append("the content exported after the drill differs from before")
        else:
            print("\nContent after the drill: identical to before (export_kb).")
    finally:
        if nginx:
            nginx.stop()
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
        services.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Drill took {time.monotonic() - started:.0f} s.")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
