from django.core.management.base import BaseCommand

from comparisons.content import default_content_files, load_file


class Command(BaseCommand):
    help = (
        "Load the default comparisons. Safe to run again: a comparison that already "
        "exists is left untouched, so editors' changes are kept."
    )

    def handle(self, *args, **options):
        for path in default_content_files():
            report = load_file(path)
            for slug in report["created"]:
                self.stdout.write(self.style.SUCCESS(f"Loaded comparison {slug}"))
            for slug in report["skipped"]:
                self.stdout.write(f"Kept comparison {slug} as it is (already in the database)")
