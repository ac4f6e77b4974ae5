"""Backup and restore of the whole knowledge base as one JSON file.

Objects are written with natural keys (slugs), never database ids, so a backup
moves between SQLite and PostgreSQL and ids may differ after a restore. Which
models are covered, and in which order, is the one list SECTIONS: to back up a
new model (slug history, ...), add a ModelSection for it after its parents.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from comparisons.caching import bump_content_version
from comparisons.models import (
    Comparison,
    ComparisonSegment,
    ComparisonSlug,
    Dimension,
    DimensionSlug,
    Entry,
    Segment,
)
from comparisons.search import refresh_search_vectors

FORMAT = "kb-backup"
VERSION = 1


class BackupError(Exception):
    """The backup file cannot be restored as it is; nothing was changed."""


class Keys:
    """Natural key <-> primary key, per model, filled in section order."""

    def __init__(self):
        self._key_of = defaultdict(dict)
        self._pk_of = defaultdict(dict)

    def add(self, model, pk, key: tuple):
        self._key_of[model][pk] = key
        self._pk_of[model][key] = pk

    def key(self, model, pk) -> tuple:
        return self._key_of[model][pk]

    def pk(self, model, key) -> int:
        try:
            return self._pk_of[model][tuple(key)]
        except KeyError:
            raise BackupError(
                f"{model._meta.verbose_name} {list(key)} is referred to but not in the backup."
            ) from None


@dataclass(frozen=True)
class ModelSection:
    """All rows of one model; foreign keys written as the target's natural key.

    Every concrete field is copied, so fields added later come along by
    themselves; timestamps are kept as they were.
    """

    name: str
    model: type[models.Model]
    natural_key: tuple[str, ...]

    def _fields(self):
        # The search vector is derived data: left out, and rebuilt after a restore.
        return [
            f
            for f in self.model._meta.concrete_fields
            if not f.primary_key and not isinstance(f, SearchVectorField)
        ]

    def _key(self, obj, keys: Keys) -> tuple:
        key = ()
        for name in self.natural_key:
            field = self.model._meta.get_field(name)
            if field.is_relation:
                key += keys.key(field.related_model, getattr(obj, field.attname))
            else:
                key += (getattr(obj, name),)
        return key

    def dump(self, keys: Keys) -> list[dict]:
        items = []
        for obj in self.model.objects.order_by("pk"):
            item = {}
            for field in self._fields():
                value = getattr(obj, field.attname)
                if field.is_relation and value is not None:
                    value = list(keys.key(field.related_model, value))
                elif isinstance(value, datetime):
                    value = value.isoformat()  # to the microsecond; JSON encoders cut it
                item[field.name] = value
            keys.add(self.model, obj.pk, self._key(obj, keys))
            items.append(item)
        return items

    def load(self, items: list[dict], keys: Keys) -> None:
        objects = [self._build(item, keys) for item in items]
        self.model.objects.bulk_create(objects)
        # bulk_create stamps auto_now fields with the time of the restore; put the
        # backup's timestamps back (bulk_update does not run auto_now).
        stamped = [f.name for f in self._fields() if getattr(f, "auto_now", False)]
        stamped += [f.name for f in self._fields() if getattr(f, "auto_now_add", False)]
        for obj, item in zip(objects, items, strict=True):
            for name in stamped:
                setattr(obj, name, self.model._meta.get_field(name).to_python(item[name]))
            keys.add(self.model, obj.pk, self._key(obj, keys))
        if stamped and objects:
            self.model.objects.bulk_update(objects, stamped)

    def _build(self, item: dict, keys: Keys):
        obj = self.model()
        for field in self._fields():
            if field.name not in item:
                continue  # a field added after the backup was made keeps its default
            value = item[field.name]
            if field.is_relation and value is not None:
                value = keys.pk(field.related_model, value)
            elif value is not None and not isinstance(field, models.JSONField):
                value = field.to_python(value)
            setattr(obj, field.attname, value)
        return obj


@dataclass(frozen=True)
class TaggedItemSection:
    """Which object carries which tag; the object named by its own natural key."""

    name: str = "tagged_items"
    model: type[models.Model] = TaggedItem

    def dump(self, keys: Keys) -> list[dict]:
        return [
            {
                "tag": list(keys.key(Tag, item.tag_id)),
                "model": item.content_type.model_class()._meta.label_lower,
                "object": list(keys.key(item.content_type.model_class(), item.object_id)),
            }
            for item in TaggedItem.objects.select_related("content_type").order_by("pk")
        ]

    def load(self, items: list[dict], keys: Keys) -> None:
        tagged = []
        for item in items:
            try:
                model = apps.get_model(item["model"])
            except (LookupError, ValueError):
                raise BackupError(f"Unknown tagged model {item['model']!r}.") from None
            tagged.append(
                TaggedItem(
                    tag_id=keys.pk(Tag, item["tag"]),
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=keys.pk(model, item["object"]),
                )
            )
        TaggedItem.objects.bulk_create(tagged)


# Parents before children: a section's foreign keys point to earlier sections.
SECTIONS = [
    ModelSection("segments", Segment, ("slug",)),
    ModelSection("comparisons", Comparison, ("slug",)),
    ModelSection("comparison_segments", ComparisonSegment, ("comparison", "segment")),
    ModelSection("dimensions", Dimension, ("comparison", "slug")),
    ModelSection("entries", Entry, ("dimension", "segment")),
    ModelSection("comparison_slugs", ComparisonSlug, ("slug",)),
    ModelSection("dimension_slugs", DimensionSlug, ("comparison", "slug")),
    ModelSection("tags", Tag, ("slug",)),
    TaggedItemSection(),
]


def export_kb() -> dict:
    """The whole knowledge base as plain data, ready for JSON."""
    keys = Keys()
    with transaction.atomic():  # one consistent snapshot
        data = {section.name: section.dump(keys) for section in SECTIONS}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": timezone.now().isoformat(),
        "data": data,
    }


def is_empty() -> bool:
    return not any(section.model.objects.exists() for section in SECTIONS)


@transaction.atomic
def import_kb(backup: dict, replace: bool = False) -> dict[str, int]:
    """Restore `backup`, all or nothing. Refuses a non-empty database unless `replace`."""
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError("This is not a kb backup file.")
    if backup.get("version") != VERSION:
        raise BackupError(f"Backup version {backup.get('version')!r} is not {VERSION}.")
    data = backup.get("data")
    if not isinstance(data, dict):
        raise BackupError("The backup has no data.")
    unknown = set(data) - {section.name for section in SECTIONS}
    if unknown:
        # Restoring without them would silently drop content.
        raise BackupError(
            f"The backup has sections this version cannot restore: {sorted(unknown)}."
        )
    if not is_empty():
        if not replace:
            raise BackupError(
                "The database already has content. Restore into an empty database, "
                "or pass --replace to delete the current content first."
            )
        for section in reversed(SECTIONS):
            section.model.objects.all().delete()
    keys = Keys()
    counts = {}
    for section in SECTIONS:
        items = data.get(section.name, [])
        try:
            section.load(items, keys)
        except (KeyError, TypeError, ValueError) as error:
            raise BackupError(f"Section {section.name!r} is malformed: {error!r}") from None
        counts[section.name] = len(items)
    refresh_search_vectors()
    bump_content_version()  # bulk_create sends no signals
    return counts
