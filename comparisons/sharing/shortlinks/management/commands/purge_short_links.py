"""Delete the short links nobody used for SHORT_LINKS_EXPIRE_DAYS (run it daily, from cron)."""

from django.core.management.base import BaseCommand

from comparisons.sharing.shortlinks.models import ShortLink


class Command(BaseCommand):
    help = "Delete short links unused for SHORT_LINKS_EXPIRE_DAYS days."

    def handle(self, *args, **options):
        deleted, _ = ShortLink.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired short link(s).")
