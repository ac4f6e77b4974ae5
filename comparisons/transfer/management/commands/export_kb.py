import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from comparisons.transfer.backup import export_kb


class Command(BaseCommand):
    help = (
        "Write the whole knowledge base (segments, comparisons, rows, cells, sources, tags) "
        "to a JSON file keyed by slugs, for backup or moving between databases."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write; '-' for standard output.")

    def handle(self, *args, path, **options):
        backup = export_kb()
        text = json.dumps(backup, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
            return
        Path(path).write_text(text, encoding="utf-8")
        counts = ", ".join(f"{len(items)} {name}" for name, items in backup["data"].items())
        self.stderr.write(f"Wrote {path}: {counts}.")
