"""Edit conflicts, merged field by field as MediaWiki merges edits that do not overlap.

A form opened at version B (the *base*) and saved after someone else saved version T
(*theirs*) holds *mine*. For each field of the form (each field of the row, each cell):

- only they changed it (mine == base): their value stays; the form takes it, so saving again
  can never revert it;
- only I changed it (theirs == base): mine is saved;
- both changed it, differently: a conflict. The form comes back with both texts side by side
  and a choice, "keep mine" or "take theirs", for each such field.

Without conflicts the save goes through, merged, and the editor is told what of theirs was
kept. The base is the version the form was opened at, read from the history.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import InlineForeignKeyField
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from taggit.utils import parse_tags

from comparisons.history.versions import BOOKKEEPING, word_diff

MINE, THEIRS = "mine", "theirs"


def _editor(record) -> str:
    user = record.history_user if record is not None else None
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def _diff_html(old, new):
    """Word by word: <del> what they removed, <ins> what they added."""
    tags = {"del": "<del>{}</del>", "ins": "<ins>{}</ins>", "": "{}"}
    return format_html_join(
        "", "{}", ((format_html(tags[op], text),) for op, text in word_diff(old, new))
    )


def _comparable(value):
    """Values as the form and the history hold them, made comparable."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


class ConflictCheckedForm(forms.ModelForm):
    """A model form carrying the version it was opened at, merging a stale save.

    `merged` lists, after validation, the fields where the other editor's value was kept
    (for the admin's message). The database UPDATE checks the version too
    (comparisons.versioning), for saves racing past this form.
    """

    merged: list[str]

    def clean(self):
        cleaned = super().clean()
        self.merged = []
        instance = self.instance
        read = cleaned.get("version")
        # `instance` was loaded (and locked) for this request: its version is the current one.
        if instance.pk is None or instance._state.adding or read in (None, instance.version):
            self._apply_choices(cleaned)
            return cleaned
        base = instance.history.filter(version=read).order_by("-history_date").first()
        latest = instance.history.order_by("-history_date", "-history_id").first()
        conflicts = []
        for name in self._merged_fields():
            mine, theirs = self._mine(cleaned, name), self._current(name)
            old = self._recorded(base, name) if base is not None else _Unknown
            if _comparable(mine) == _comparable(theirs):
                continue
            if _comparable(mine) == _comparable(old):
                self._take(name, theirs)
                self.merged.append(self.describe_field(name))
            elif _comparable(theirs) != _comparable(old):
                conflicts.append((name, old, theirs))
        # From now on the form speaks for the current version: saving again is a decision.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = instance.version
        cleaned["version"] = instance.version
        since = self._records_since(base)
        for name, old, theirs in conflicts:
            who = self._who_changed(name, base, since) or latest
            self.add_error(name, self._conflict_message(name, old, theirs, who))
        if conflicts:
            raise ValidationError(
                format_html(
                    "{} saved {} on {}, after you opened this form. Their changes that you did "
                    "not touch are in the form now; where you both changed the same field, "
                    "choose below, then save again.",
                    _editor(latest),
                    f"“{instance}”",
                    f"{timezone.localtime(latest.history_date):%d %b %Y at %H:%M}"
                    if latest
                    else "just now",
                ),
                code="conflict",
            )
        return cleaned

    # --- one field at a time -------------------------------------------------------------

    def _records_since(self, base) -> list:
        """The saves since the form was opened, oldest first. One query."""
        if base is None:
            return []
        return list(
            self.instance.history.filter(history_date__gt=base.history_date)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )

    def _who_changed(self, name: str, base, since: list):
        """The record of the first save since `base` that changed `name`: who to name."""
        previous = base
        for record in since:
            if _comparable(self._recorded(record, name)) != _comparable(
                self._recorded(previous, name)
            ):
                return record
            previous = record
        return None

    def _merged_fields(self) -> list[str]:
        """The model's fields the editor edits here (not the inline's link to its row)."""
        editable = {f.name for f in self.instance._meta.concrete_fields if not f.primary_key}
        editable.add("tags")
        return [
            name
            for name, field in self.fields.items()
            if name in editable
            and name not in ("version", *BOOKKEEPING)
            and not isinstance(field, InlineForeignKeyField)
        ]

    def _mine(self, cleaned, name: str):
        if name == "tags":
            return sorted(cleaned.get(name) or [])
        return cleaned.get(name)

    def _current(self, name: str):
        if name == "tags":
            return sorted(tag.name for tag in self.instance.tags.all())
        return getattr(self.instance, name)

    def _recorded(self, record, name: str):
        if name == "tags":
            return sorted(parse_tags(record.tag_names))
        field = self.instance._meta.get_field(name)
        return getattr(record, field.attname)

    def _take(self, name: str, value) -> None:
        """Their value, in the cleaned data and in the form shown again."""
        self.cleaned_data[name] = value
        prepared = self.fields[name].prepare_value(value)
        if name == "tags":
            prepared = ", ".join(value)
        self.data = self.data.copy()
        self.data[self.add_prefix(name)] = "" if prepared is None else prepared

    def _apply_choices(self, cleaned) -> None:
        """After a conflict: the fields where the editor chose theirs."""
        for name in self._merged_fields():
            if self.data.get(self._choice_name(name)) == THEIRS:
                self._take(name, self._current(name))

    def _choice_name(self, name: str) -> str:
        return self.add_prefix(f"resolve-{name}")

    def describe_field(self, name: str) -> str:
        """The field as the editor knows it: "Title", "B2B · Body"."""
        return str(self.fields[name].label or name)

    def _conflict_message(self, name, old, theirs, latest):
        choice = self._choice_name(name)
        theirs_text = self.fields[name].prepare_value(theirs)
        if name == "tags":
            theirs_text = ", ".join(theirs)
        changed = _diff_html("" if old is _Unknown else old, theirs_text)
        return ValidationError(
            format_html(
                '<span class="conflict">You and {who} both changed this. Theirs '
                '(changes since you opened the form marked): <span class="theirs">{changed}'
                '</span> Yours is in the box. <label><input type="radio" name="{choice}" '
                'value="mine" checked> Keep mine</label> <label><input type="radio" '
                'name="{choice}" value="theirs"> Take theirs</label></span>',
                who=_editor(latest),
                changed=changed,
                choice=choice,
            ),
            code="conflict",
        )


def deleted_since_message(entry_id) -> ValidationError:
    """A cell edited here that someone deleted since the form was opened."""
    from comparisons.models import Entry

    record = (
        Entry.history.filter(id=entry_id, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    return ValidationError(
        format_html(
            "{} deleted this cell on {}, after you opened this form. Your text is kept in the "
            "box: save again to add it back, or tick “Delete” to leave it deleted.",
            _editor(record),
            f"{timezone.localtime(record.history_date):%d %b %Y at %H:%M}" if record else "—",
        ),
        code="conflict",
    )


def resolve_added_meanwhile(form, dimension) -> None:
    """A cell added here that someone else added since the form was opened: the first save
    shows theirs and asks which to keep; the choice then updates their cell or keeps it."""
    from comparisons.models import Entry

    segment = form.cleaned_data.get("segment")
    if dimension.pk is None or segment is None:
        return
    theirs = Entry.objects.filter(dimension=dimension, segment=segment).first()
    if theirs is None:
        return
    choice = form.data.get(form.add_prefix("resolve-body"))
    if choice == THEIRS:
        form.instance, form.take_theirs = theirs, True
    elif choice == MINE:
        for name in ("body", "sources"):
            setattr(theirs, name, form.cleaned_data.get(name))
        form.instance = theirs
    else:
        record = theirs.history.select_related("history_user").order_by("-history_date").first()
        form.add_error(
            "body",
            ValidationError(
                format_html(
                    '<span class="conflict">{who} added this cell after you opened the form: '
                    '<span class="theirs">{text}</span> Yours is in the box. <label><input '
                    'type="radio" name="{choice}" value="mine" checked> Keep mine</label> '
                    '<label><input type="radio" name="{choice}" value="theirs"> Take theirs'
                    "</label></span>",
                    who=_editor(record),
                    text=theirs.body,
                    choice=form.add_prefix("resolve-body"),
                ),
                code="conflict",
            ),
        )


class _Unknown:
    """The base of a version the history does not hold: every difference is a conflict."""
