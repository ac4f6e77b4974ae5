"""Optimistic concurrency: no save silently overwrites someone else's newer save.

A versioned row carries a number that every save increments. Before writing, a save claims
the next number with a conditional `UPDATE … SET version = read + 1 WHERE id = %s AND
version = read` (`QuerySet.update`). Two saves racing from the same version cannot both
claim it, whatever the forms checked before: the loser's UPDATE matches no row and the save
raises `EditConflict`, writing nothing. The claimed row stays locked until the transaction
ends, so the save's own UPDATE that follows cannot be overtaken.

Cost: one query more than a plain save (the claim) for an existing row; none for a new one.
"""

from django.db import models, transaction


class EditConflict(Exception):
    """The row was saved by someone else since it was read; nothing was written."""

    def __init__(self, instance, read_version: int):
        super().__init__(
            f"{instance._meta.verbose_name} {instance.pk} changed since version {read_version}."
        )
        self.instance = instance
        self.read_version = read_version


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1, help_text="Incremented by every save; a save from an older version is refused."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        read = self.version
        try:
            # A savepoint: a refused save leaves the caller's transaction usable.
            with transaction.atomic(using=kwargs.get("using")):
                self._claim_next_version(read)
                self.version = read + 1
                super().save(*args, **kwargs)
        except Exception:
            self.version = read
            raise

    def _claim_next_version(self, read: int) -> None:
        stored = type(self)._base_manager.filter(pk=self.pk)
        if stored.filter(version=read).update(version=read + 1):
            return
        if stored.exists():
            raise EditConflict(self, read)
        # The row is gone: the save inserts it again, as Django does for any save with a pk.
