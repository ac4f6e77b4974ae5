from django.core.management.base import BaseCommand

from comparisons.defaults.loader import default_content_files, load_files


class Command(BaseCommand):
    help = (
        "Load the default comparisons. Safe to run again: on a comparison that already exists, "
        "only what no editor ever changed is brought up to date; editors' changes are kept."
    )

    def handle(self, *args, **options):
        for report in load_files(default_content_files()).values():
            for slug in report["created"]:
                self.stdout.write(self.style.SUCCESS(f"Loaded comparison {slug}"))
            for slug, upgrade in report["upgraded"].items():
                self.stdout.write(f"{slug}:")
                for line in upgrade.lines():
                    self.stdout.write(f"  {line}")
