"""Edit conflicts as a form error: who saved in between, when, and what they changed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from comparisons.history import BOOKKEEPING, word_diff


def describe_conflict(instance, read_version: int):
    """An HTML message on the versions saved since `read_version`. Runs three queries."""
    newer = instance.history.order_by("-history_date", "-pk")
    latest = newer.first()
    base = newer.filter(version=read_version).first()
    who = "Someone"
    if latest is not None and latest.history_user is not None:
        user = latest.history_user
        who = user.get_full_name() or user.get_username()
    when = f"{timezone.localtime(latest.history_date):%d %b %Y at %H:%M}" if latest else "just now"
    changes = []
    if latest is not None and base is not None:
        delta = latest.diff_against(base, excluded_fields=BOOKKEEPING)
        changes = [
            (instance._meta.get_field(c.field).verbose_name, _diff_html(c.old, c.new))
            for c in delta.changes
        ]
    listing = format_html_join("", "<li>{}: {}</li>", changes) or format_html(
        "<li>{}</li>", "(not in the history: compare with the row as saved now)"
    )
    return format_html(
        "{} saved {} on {}, after you opened this form, so your save was refused. "
        "Their changes: <ul class='conflict-changes'>{}</ul>"
        "Your input is kept below: compare, then save again to keep your version.",
        who,
        _label(instance),
        when,
        listing,
    )


def _label(instance) -> str:
    return f"“{instance}”"


def _diff_html(old, new):
    """Word by word: <del> what they removed, <ins> what they added."""
    tags = {"del": "<del>{}</del>", "ins": "<ins>{}</ins>", "": "{}"}
    return format_html_join(
        "", "{}", ((format_html(tags[op], text),) for op, text in word_diff(old, new))
    )


class ConflictCheckedForm(forms.ModelForm):
    """A model form carrying the version it was opened at, refusing a stale save.

    The error names who saved in between and what changed; the form keeps the
    editor's input, and its version moves to the current one so that saving again
    deliberately keeps the editor's text. The database UPDATE checks the version
    too (comparisons.versioning), for saves racing past this check.
    """

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        read = cleaned.get("version")
        # `instance` was loaded for this request: its version is the current one.
        stale = read is not None and read != instance.version
        if instance.pk and not instance._state.adding and stale:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = instance.version
            raise ValidationError(describe_conflict(instance, read), code="conflict")
        return cleaned
