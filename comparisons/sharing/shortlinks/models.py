"""Short links: `/v/<code>` for one public view of a table, its filter and its `as_of`.

A link stores the view's path and query string as they were when it was made, and
`/v/<code>` redirects there: renamed tables and rows keep working through the redirects
of the view's own URL. The code is random, so codes cannot be enumerated. A link nobody
used for settings.SHORT_LINKS_EXPIRE_DAYS is gone: its `/v/<code>` is 404, asking for the
view again makes a new one, and `purge_short_links` deletes them all.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

# No look-alikes (0/O, 1/l/I): codes are read aloud and typed from slides too.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"
# 54 ** 10 is about 2 * 10 ** 17 codes: guessing one that exists is hopeless.
CODE_LENGTH = 10
CODE_PATTERN = f"[{ALPHABET}]{{{CODE_LENGTH}}}"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def target_digest(target: str) -> str:
    return hashlib.sha256(target.encode()).hexdigest()


# A link's last use is written at most once a day: following a link stays one query.
USE_RECORDED_EVERY = timedelta(days=1)


def expiry_cutoff():
    """Links last used before this moment have expired."""
    return timezone.now() - timedelta(days=settings.SHORT_LINKS_EXPIRE_DAYS)


class ShortLinkQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(last_used__lt=expiry_cutoff())

    def to_target(self, target: str):
        """The link to `target` (a path and query string), or None. One query."""
        return self.filter(target_digest=target_digest(target)).first()

    def create_for(self, target: str) -> "ShortLink":
        """A new link to `target`, or the one a concurrent request made meanwhile."""
        for _ in range(3):
            try:
                with transaction.atomic():
                    return self.create(
                        code=new_code(), target=target, target_digest=target_digest(target)
                    )
            except IntegrityError:
                existing = self.to_target(target)
                if existing is not None:
                    return existing
                # Else the random code was taken (about never): draw another.
        raise IntegrityError("No free short link code after three draws.")


class ShortLink(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, editable=False)
    target = models.TextField(
        editable=False, help_text="The view's path and query string, as the link was made."
    )
    # Targets are unique through their digest: a view naming many rows can be longer than
    # an index entry may be (about 2,700 bytes on PostgreSQL).
    target_digest = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    # Followed or asked for again (to the day): links unused for long expire.
    last_used = models.DateTimeField(default=timezone.now, editable=False)

    objects = ShortLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # /v/<code> names exactly one view.
            models.UniqueConstraint(fields=["code"], name="shortlink_unique_code"),
            # One link per view: asking again for the same view gives the same link.
            models.UniqueConstraint(fields=["target_digest"], name="shortlink_unique_target"),
        ]
        # purge_short_links finds the expired links without reading them all.
        indexes = [models.Index(fields=["last_used"], name="shortlink_last_used")]

    def __str__(self):
        return f"{self.code} → {self.target}"

    def get_absolute_url(self):
        return reverse("short_link", args=[self.code])

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def expired(self) -> bool:
        return self.last_used < expiry_cutoff()

    def record_use(self) -> None:
        """Note that the link was used: one UPDATE, at most once a day."""
        now = timezone.now()
        if now - self.last_used >= USE_RECORDED_EVERY:
            ShortLink.objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now
