"""gunicorn.conf.py: sync workers from the CPU count, bound to PORT, access log on stdout."""

import multiprocessing
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load_config(monkeypatch, **env) -> dict:
    for name in ("PORT", "HOST", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_it_runs_sync_workers_from_the_cpu_count_with_logs_on_stdout(monkeypatch):
    config = load_config(monkeypatch, PORT="8123")
    assert config["worker_class"] == "sync"
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["bind"] == "0.0.0.0:8123"
    assert config["accesslog"] == "-"
    assert config["errorlog"] == "-"
    assert config["timeout"] == 30


def test_the_worker_count_can_be_set(monkeypatch):
    assert load_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_workers_start_from_a_loaded_app_and_do_not_restart_together(monkeypatch):
    config = load_config(monkeypatch)
    assert config["preload_app"] is True
    assert config["max_requests_jitter"] >= config["max_requests"] // 4
