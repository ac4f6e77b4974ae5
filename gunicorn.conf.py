"""gunicorn settings for `make serve` and production: `gunicorn -c gunicorn.conf.py kb.wsgi`.

Sync workers: each handles one request at a time, so a slow client cannot pile requests onto
one worker the way gthread workers with keep-alive can (see README, "Deploying"). Put a proxy
that buffers requests (nginx, a cloud load balancer) in front, as for any sync worker.
"""

import multiprocessing
import os

# This machine only (the proxy in front) unless HOST says otherwise: reached directly, the app
# would serve clients that bypass the proxy's cache and its X-Forwarded-For.
bind = f"{os.getenv('HOST', '127.0.0.1')}:{os.getenv('PORT', '8000')}"
worker_class = "sync"
workers = int(os.getenv("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
# A request taking longer than this is killed and logged: pages render in milliseconds.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 2
# Workers are forked from a master that has already imported Django: a new worker serves at
# once, where importing took about a second of CPU while its requests queued. (Code changes
# then need a restart of the master, not a HUP.)
preload_app = True
# Recycle workers now and then, so that a slow leak cannot grow without bound; the wide
# jitter keeps them from all restarting in the same second, which stalled every request.
max_requests = 20000
max_requests_jitter = 10000
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from these addresses (the proxy in front).
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = (
    True  # one fixed path per user by default: several servers on one host collide
)
