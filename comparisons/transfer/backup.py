"""Backup and restore of the whole knowledge base as one JSON file, its past included.

A backup holds the content and its history (every history record of every comparison,
segment, row and cell, and the old slugs), so change logs, restores and pinned embeds work the
same after a move between SQLite and PostgreSQL. Objects keep their ids, which history refers
to; foreign keys are also written as natural keys (slugs), which a restore checks. Who made
each record, and of each changeset, is written as a username; restored where no user of that
name exists, it is made as an inactive user without a password, so the history still names its
author. Changesets keep their ids, and each history record names its changeset, so a row's
revisions group after a restore exactly as before. Short links (`/v/<code>` keeps working
after a move) and readers' suggestions (their status pages keep working) come along. Which
models are covered, and in which order, is the one list SECTIONS: to back up a new model, add
a section for it after its parents.

A backup names the layout of its data with a schema number (`schema`; files written before
that name call it `version`, and still restore). Backups of schema 1 (before history was
carried) still restore: their content gets one history record each, dated at the restore, and
pinned embeds say plainly that no record exists before that date. Backups made before
changesets were carried (no "changesets" section) restore with records in no changeset,
grouped as before changesets (comparisons/history/versions.py).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from comparisons.history import writes
from comparisons.history.writes import (
    BATCH,
    HISTORY_MODELS,
    content_changed,
    record_history,
)
from comparisons.models import (
    Changeset,
    Comparison,
    ComparisonSegment,
    ComparisonSlug,
    Dimension,
    DimensionSlug,
    Entry,
    Segment,
)
from comparisons.sharing.shortlinks.models import ShortLink
from comparisons.suggestions.models import Suggestion

FORMAT = "kb-backup"
SCHEMA = 2
READABLE_SCHEMAS = (1, 2)
WITHOUT_HISTORY = "Restored from a backup without history"


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
    themselves; timestamps are kept as they were. A user (who made a changeset, who decided a
    suggestion) is written as a username, as history's authors are.
    """

    name: str
    model: type[models.Model]
    natural_key: tuple[str, ...]

    @property
    def stored_model(self) -> type[models.Model]:
        return self.model

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

    def _user_fields(self):
        return [f for f in self._fields() if f.is_relation and f.related_model is get_user_model()]

    def dump(self, keys: Keys) -> list[dict]:
        items = []
        users = [f.name for f in self._user_fields()]
        for obj in self.model.objects.select_related(*users).order_by("pk"):
            item = {"id": obj.pk}
            for field in self._fields():
                value = getattr(obj, field.attname)
                if field.name in users and value is not None:
                    value = getattr(obj, field.name).get_username()
                elif field.is_relation and value is not None:
                    value = list(keys.key(field.related_model, value))
                elif isinstance(value, datetime):
                    value = value.isoformat()  # to the microsecond; JSON encoders cut it
                item[field.name] = value
            keys.add(self.model, obj.pk, self._key(obj, keys))
            items.append(item)
        return items

    def load(self, items: list[dict], keys: Keys) -> None:
        names = {item.get(f.name) for f in self._user_fields() for item in items}
        users = _users_by_name(names) if names else {}
        objects = [self._build(item, keys, users) for item in items]
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

    def _build(self, item: dict, keys: Keys, users: dict):
        obj = self.model(pk=item.get("id"))  # schema 1 backups carry no ids
        for field in self._fields():
            if field.name not in item:
                continue  # a field added after the backup was made keeps its default
            value = item[field.name]
            if field.is_relation and field.related_model is get_user_model():
                value = users[value].pk if value is not None else None
            elif field.is_relation and value is not None:
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

    @property
    def stored_model(self) -> type[models.Model]:
        return self.model

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


@dataclass(frozen=True)
class HistorySection:
    """Every history record of one model's objects, as django-simple-history recorded them.

    Ids are kept as they are: a record names its object (and its foreign keys) by id, and
    records of deleted objects have no live object to name them otherwise.
    """

    name: str
    model: type[models.Model]  # the content model; its records are `model.history.model`

    @property
    def history(self) -> type[models.Model]:
        return self.model.history.model

    @property
    def stored_model(self) -> type[models.Model]:
        return self.history

    def _fields(self):
        # The author is written as a username, the changeset as its id (checked on restore).
        return [
            f
            for f in self.history._meta.concrete_fields
            if f.name not in ("history_user", "changeset")
        ]

    def dump(self, keys: Keys) -> list[dict]:
        items = []
        for record in self.history.objects.select_related("history_user").order_by("pk"):
            item = {
                field.attname: _plain(getattr(record, field.attname)) for field in self._fields()
            }
            item["history_user"] = (
                record.history_user.get_username() if record.history_user else None
            )
            item["changeset"] = record.changeset_id
            items.append(item)
        return items

    def load(self, items: list[dict], keys: Keys) -> None:
        users = _users_by_name({item.get("history_user") for item in items})
        records = []
        for item in items:
            record = self.history(history_user=users.get(item.get("history_user")))
            # Backups made before changesets were carried have none: grouped as before them.
            if item.get("changeset") is not None:
                record.changeset_id = keys.pk(Changeset, [item["changeset"]])
            for field in self._fields():
                value = item[field.attname]
                if value is not None and not isinstance(field, models.JSONField):
                    value = field.to_python(value)
                setattr(record, field.attname, value)
            records.append(record)
        self.history.objects.bulk_create(records, batch_size=BATCH)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _users_by_name(names) -> dict:
    """The users of these names; one made for each name the database lacks, inactive and
    without a password (no one can log in as it), so that history keeps naming its author."""
    User = get_user_model()
    wanted = {name for name in names if name}
    users = {
        user.get_username(): user
        for user in User._default_manager.filter(**{f"{User.USERNAME_FIELD}__in": wanted})
    }
    missing = []
    for name in sorted(wanted - set(users)):
        user = User(**{User.USERNAME_FIELD: name}, is_active=False)
        user.set_unusable_password()
        missing.append(user)
    User._default_manager.bulk_create(missing)
    # bulk_create gives no ids on every database: read the new users back.
    return {
        user.get_username(): user
        for user in User._default_manager.filter(**{f"{User.USERNAME_FIELD}__in": wanted})
    }


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
    ModelSection("changesets", Changeset, ("id",)),  # no natural key: named by id
    HistorySection("segment_history", Segment),
    HistorySection("comparison_history", Comparison),
    HistorySection("comparison_segment_history", ComparisonSegment),
    HistorySection("dimension_history", Dimension),
    HistorySection("entry_history", Entry),
    ModelSection("short_links", ShortLink, ("code",)),
    ModelSection("suggestions", Suggestion, ("token",)),
]
HISTORY_SECTIONS = [section for section in SECTIONS if isinstance(section, HistorySection)]


def export_kb() -> dict:
    """The whole knowledge base as plain data, ready for JSON."""
    keys = Keys()
    with transaction.atomic():  # one consistent snapshot
        data = {section.name: section.dump(keys) for section in SECTIONS}
    return {
        "format": FORMAT,
        "schema": SCHEMA,
        "exported": timezone.now().isoformat(),
        "data": data,
    }


def is_empty() -> bool:
    """No content, and no history of content (deleted content leaves its records behind)."""
    return not any(section.stored_model.objects.exists() for section in SECTIONS)


def import_kb(backup: dict, replace: bool = False) -> dict[str, int]:
    """Restore `backup`, all or nothing, then record the restore as one changeset. Refuses a
    non-empty database unless `replace`."""
    data = _checked_data(backup)
    with transaction.atomic():
        if not is_empty():
            if not replace:
                raise BackupError(
                    "The database already has content. Restore into an empty database, "
                    "or pass --replace to delete the current content first."
                )
            delete_everything()
        keys = Keys()
        counts = {}
        for section in SECTIONS:
            items = data.get(section.name, [])
            try:
                section.load(items, keys)
            except (KeyError, TypeError, ValueError) as error:
                raise BackupError(f"Section {section.name!r} is malformed: {error!r}") from None
            counts[section.name] = len(items)
        _continue_ids_after_the_backups()
        # Opened only now: its id comes after every changeset of the backup.
        with writes.changeset(None, writes.Reason.BACKUP):
            if _schema_of(backup) == 1:
                _record_history_now()
            content_changed(None, Dimension.objects.values_list("pk", flat=True))
    return counts


def _checked_data(backup) -> dict:
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError("This is not a kb backup file.")
    if _schema_of(backup) not in READABLE_SCHEMAS:
        raise BackupError(f"Backup schema {_schema_of(backup)!r} is not {SCHEMA}.")
    data = backup.get("data")
    if not isinstance(data, dict):
        raise BackupError("The backup has no data.")
    unknown = set(data) - {section.name for section in SECTIONS}
    if unknown:
        # Restoring without them would silently drop content.
        raise BackupError(
            f"The backup has sections this version of kb cannot restore: {sorted(unknown)}."
        )
    return data


def delete_everything() -> None:
    """The content, then its history (deleting the content writes records of its own), then
    the changesets the history belonged to."""
    for section in reversed(SECTIONS):
        if not isinstance(section, HistorySection) and section.model is not Changeset:
            section.stored_model.objects.all().delete()
    for section in HISTORY_SECTIONS:
        section.stored_model.objects.all().delete()
    Changeset.objects.all().delete()


def _continue_ids_after_the_backups() -> None:
    """New objects get ids after every id in use, in the content and in its history: a new
    row must never take the id of a deleted one, whose records would then read as its own."""
    for section in SECTIONS:
        if isinstance(section, HistorySection):
            _next_id_after(section.history, section.history.objects.aggregate(m=Max("pk"))["m"])
            continue
        highest = section.model.objects.aggregate(m=Max("pk"))["m"] or 0
        if section.model in HISTORY_MODELS:
            recorded = section.model.history.aggregate(m=Max("id"))["m"] or 0
            highest = max(highest, recorded)
        _next_id_after(section.model, highest)


def _next_id_after(model, highest: int | None) -> None:
    highest = highest or 0
    db_table, db_column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                [db_table, db_column, max(highest, 1), highest > 0],
            )
        elif connection.vendor == "sqlite":
            # AUTOINCREMENT tables take ids after both the largest in use and this one.
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, db_table]
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [db_table, highest]
                )


def _schema_of(backup: dict):
    """The layout the backup's data follows (called `version` in files written before kb
    named it `schema`: the number is the same)."""
    return backup.get("schema", backup.get("version"))


def _record_history_now() -> None:
    """A backup without history: one history record of everything, dated now."""
    for model in (Segment, Comparison, ComparisonSegment, Dimension, Entry):
        # The rows' tags join their records when the changeset closes.
        record_history(list(model.objects.all()))
