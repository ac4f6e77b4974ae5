"""`make drill`: kb under a bounded load while its Redis, then its PostgreSQL, stop and start.

Starts its own Redis (`redis-server`, maxmemory with allkeys-lru) and its own PostgreSQL
(`initdb` in a temporary directory, run as the `postgres` user when started as root) on
spare ports, loads the default content, serves it with gunicorn as `make serve` does
(gunicorn.conf.py, DEBUG off), reads every page once so that it is cached, then drives a
load from a few threads: pages read before (cached) and searches for random words (never
cached). Each service is stopped and started again in turn; the status codes of each phase
are printed. Content is exported (`export_kb`) before and after: the drill fails if they
differ, or if a phase shows a 500, or a cached page fails while only the database is down.
Everything it started is stopped and removed at the end. Env: DRILL_SECONDS (per phase).
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
from tests.pages import DEFAULT_CONTENT, PAGE_TYPES, urls  # noqa: E402

PG_BIN = Path(os.getenv("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECONDS = float(os.getenv("DRILL_SECONDS", "8"))
THREADS = 4
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
        }

    def stop_all(self) -> None:
        self.stop_redis()
        if (self.pg_data / "postmaster.pid").exists():
            self.stop_postgres()


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


def get(url: str) -> int:
    return fetch(url)[0]


def fetch(url: str) -> tuple[int, str]:
    """(status, the URL answered after redirects); status 0 for no answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, url
    except OSError:
        return 0, url  # no answer at all


def load(base: str, seconds: float, phase: int) -> dict[str, Counter]:
    """Status codes for cached pages and for never-cached searches, from THREADS threads
    (their random words differ from one phase to the next)."""
    counts = {"cached": Counter(), "uncached": Counter(), "failed": Counter()}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader(seed: int) -> None:
        chance = random.Random(seed)
        while time.monotonic() < deadline:
            if chance.random() < 0.8:
                kind, path = "cached", chance.choice(CACHED)
            else:
                words = "+".join(chance.sample(WORDS, 2)) + f"+{chance.randrange(10**6)}"
                kind, path = "uncached", f"/search/?q={words}"
            status = get(base + path)
            with lock:
                counts[kind][status] += 1
                if kind == "cached" and status != 200:
                    counts["failed"][path] += 1

    seeds = range(phase * THREADS, (phase + 1) * THREADS)
    threads = [threading.Thread(target=reader, args=(seed,)) for seed in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def health(base: str) -> str:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


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
    server = None
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

        def warm() -> None:
            """Read every page; a redirect (to a filter's short form) is read at its target."""
            for index, path in enumerate(CACHED):
                status, answered = fetch(base + path)
                if status != 200:
                    failures.append(f"{path} did not answer 200 before the drill")
                CACHED[index] = answered.removeprefix(base)

        phases = [
            ("all up", warm, None),
            ("Redis down", services.stop_redis, services.start_redis),
            ("Redis back", warm, None),
            ("PostgreSQL down", services.stop_postgres, services.start_postgres),
            ("PostgreSQL back", None, None),
        ]
        print(f"Fault drill: {THREADS} threads, {SECONDS:.0f} s per phase, {len(CACHED)} "
              f"cached pages, gunicorn with {WORKERS} workers\n")  # fmt: skip
        print(f"{'phase':<16} {'cached pages':<34} {'uncached searches':<34} /healthz")
        for number, (name, before_load, after_load) in enumerate(phases):
            if before_load:
                before_load()
            probe = {}
            middle = threading.Timer(SECONDS / 2, lambda: probe.update(healthz=health(base)))  # noqa: B023
            middle.start()
            counts = load(base, SECONDS, number)
            middle.join()
            if after_load:
                after_load()
            row = [", ".join(f"{code or 'none'}: {n}" for code, n in sorted(counts[kind].items()))
                   for kind in ("cached", "uncached")]  # fmt: skip
            print(f"{name:<16} {row[0]:<34} {row[1]:<34} {probe.get('healthz', '').strip()}")
            for kind in ("cached", "uncached"):
                if counts[kind][500] or counts[kind][0]:
                    failures.append(f"{name}: {kind} pages got 500s or no answer")
            if name == "PostgreSQL down" and set(counts["cached"]) != {200}:
                failures.append(f"PostgreSQL down: cached pages not served: {counts['failed']}")
        wait_for(lambda: urllib.request.urlopen(base + "/healthz", timeout=2).close())
        lines = log.read_text().splitlines()
        outages = [line for line in lines if OUTAGE_LINE.search(line)]
        print(f"\nThe server logged {len(lines)} lines, {len(outages)} about outages:")
        print("\n".join(f"  {line[:120]}" for line in outages))
        after = export(env, workdir / "after.json")
        if after != before:
            failures.append("the content exported after the drill differs from before")
        else:
            print("\nContent after the drill: identical to before (export_kb).")
    finally:
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
