import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparisons.transfer.backup import BackupError, import_kb


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_kb, in one transaction: all of it or nothing. "
        "Refuses a database that has content unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the current content (in the same transaction) and restore the backup.",
        )

    def handle(self, *args, path, replace, **options):
        try:
            backup = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            counts = import_kb(backup, replace=replace)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {path}: {summary}."))
