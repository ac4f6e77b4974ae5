import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

application = get_wsgi_application()

# Web requests never wait for ever on a hung PostgreSQL (management commands may wait).
from django.conf import settings  # noqa: E402

if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from kb import database_waits

    database_waits.install()
