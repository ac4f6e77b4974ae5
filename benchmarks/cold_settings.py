"""`make bench`'s cold server: kb's settings with a cache that keeps nothing, so every
request renders its page and every row of it (only Markdown's per-process memo is left)."""

from kb.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
