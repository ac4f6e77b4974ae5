"""gunicorn.conf.py, as `make serve` runs it: sync workers bound to PORT, one access-log line on
stdout per request, the worker count from WEB_CONCURRENCY."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn with gunicorn.conf.py on a free port; stopped after the test."""
    started = []

    def serve(**env):
        port = _free_port()
        log = tmp_path / "gunicorn.log"
        environment = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "test-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            **env,
        }
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "kb.wsgi"],
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}/healthz"
        for _ in range(100):
            try:
                _get(url)
                break
            except OSError:
                time.sleep(0.1)
        return process, url, log

    yield serve
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_it_serves_on_port_with_the_given_number_of_workers_and_logs_each_request(serve):
    process, url, log = serve(WEB_CONCURRENCY="2")
    assert _get(url) in (200, 503)  # answered; the empty database may be reported down
    assert len(_children(process.pid)) == 2
    time.sleep(0.2)
    assert '"GET /healthz HTTP/1.1"' in log.read_text()


def test_a_worker_that_dies_is_replaced(serve):
    process, url, _log = serve(WEB_CONCURRENCY="1")
    [worker] = _children(process.pid)
    os.kill(worker, 9)
    for _ in range(100):
        replaced = _children(process.pid)
        if replaced and replaced != [worker]:
            break
        time.sleep(0.1)
    assert replaced and replaced != [worker]
    assert _get(url) in (200, 503)
