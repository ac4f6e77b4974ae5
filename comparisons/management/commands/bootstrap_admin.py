import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "For local development: on a database with no users, create the administrator "
        "'admin' with a random password and print it once. Does nothing when DEBUG is off."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no administrator created (use createsuperuser).")
            return
        if User.objects.exists():
            self.stdout.write(
                "Admin: log in at /admin/ with your account "
                "(forgot it? python manage.py changepassword <username>)."
            )
            return
        password = secrets.token_urlsafe(18)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the administrator for this database. It is shown only once:\n"
                f"  /admin/  username: admin  password: {password}"
            )
        )
