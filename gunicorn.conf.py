"""gunicorn settings for production and `make bench`: `gunicorn -c gunicorn.conf.py kb.wsgi`."""

import multiprocessing
import os

bind = f"{os.getenv('HOST', '0.0.0.0')}:{os.getenv('PORT', '8000')}"
worker_class = "sync"
workers = int(os.getenv("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
keepalive = 2
accesslog = "-"
errorlog = "-"
