"""Optimistic concurrency: no save silently overwrites someone else's newer save.

A versioned row carries a number that every save increments. The UPDATE itself
matches on the number the saver read (`... WHERE id = %s AND version = %s`), so
two saves racing from the same version cannot both succeed, whatever the forms
checked before: the second UPDATE matches no row and raises `EditConflict`.
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
        self._read_version = read = self.version
        self.version = read + 1
        try:
            # A savepoint: a refused save leaves the caller's transaction usable.
            with transaction.atomic():
                super().save(*args, **kwargs)
        except Exception:
            self.version = read
            raise
        finally:
            del self._read_version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        read = getattr(self, "_read_version", None)
        if read is None or not values:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, version=read)._update(values) > 0:
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise EditConflict(self, read)
        return False  # the row is gone: Django inserts it, as for any save with a pk
