import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from comparisons.roles import EDITORS


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Editors group (content only, no users or "
        "groups). Prints a random first password once; the editor changes it after logging in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")

    @transaction.atomic
    def handle(self, *args, username, email, **options):
        User = get_user_model()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            group = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError("The Editors group is missing: run `manage.py migrate`.") from None
        password = secrets.token_urlsafe(18)
        user = User.objects.create_user(username, email, password, is_staff=True)
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created editor {username}. The password is shown only once:\n"
                f"  /admin/  username: {username}  password: {password}\n"
                "Change it after the first login at /admin/password_change/."
            )
        )
