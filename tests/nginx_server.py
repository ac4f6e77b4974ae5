"""deploy/nginx.conf run for real on spare ports, for tests/test_nginx.py and `make bench`.

The config is the one shipped, with its "SET" values replaced (app address, static files,
templates folder, cache directory, port) and wrapped in a minimal main config of its own
(pid, logs and temporary files in a scratch directory), so it runs beside any other nginx,
as any user.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
TEMPLATES = CONFIG.parent.parent / "templates"
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_config(app_port: int, port: int, static_root: Path, cache_dir: Path) -> str:
    """deploy/nginx.conf with its "SET" values replaced; fails if one is not found."""
    text = CONFIG.read_text()
    replacements = [
        (r"proxy_cache_path /var/cache/nginx/kb", f"proxy_cache_path {cache_dir}", 2),
        (r"server 127\.0\.0\.1:\d+;", f"server 127.0.0.1:{app_port};"),
        (r"listen 80;", f"listen 127.0.0.1:{port};"),
        (r"alias \S+/;", f"alias {static_root}/;"),
        (r"root /srv/kb/templates;", f"root {TEMPLATES};"),
    ]
    for pattern, value, *count in replacements:
        text, found = re.subn(pattern, value, text)
        if found != (count or [1])[0]:
            raise ValueError(f"deploy/nginx.conf: expected {pattern!r} {count or 1}, found {found}")
    return text


def main_config(site: Path, scratch: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the checkout's files
    temporary = "\n".join(
        f"    {name}_temp_path {scratch / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes auto;  # as Debian's nginx.conf
pid {scratch / "nginx.pid"};
error_log {scratch / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    # As Debian's stock nginx.conf, which includes deploy/nginx.conf from sites-enabled/.
    sendfile on;
    tcp_nopush on;
    gzip on;
    include {MIME_TYPES};
    access_log off;
{temporary}
    include {site};
}}
"""


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    scratch: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_nginx(app_port: int, static_root: Path, scratch: Path, port: int = 0) -> Nginx:
    """nginx with deploy/nginx.conf in front of 127.0.0.1:`app_port`, on `port` (or a spare one)."""
    port = port or spare_port()
    scratch.mkdir(parents=True, exist_ok=True)
    site = scratch / "site.conf"
    site.write_text(site_config(app_port, port, static_root, scratch / "cache"))
    main = scratch / "nginx.conf"
    main.write_text(main_config(site, scratch))
    command = [
        nginx_binary(),
        "-p",
        str(scratch),
        "-e",
        str(scratch / "error.log"),
        "-c",
        str(main),
    ]
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Nginx(process, port, scratch)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not listen")
