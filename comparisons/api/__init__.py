"""The read-only JSON API under /api/v1/ (django-ninja): see README.md, "Feeds and API"."""
