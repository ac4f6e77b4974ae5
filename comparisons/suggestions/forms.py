"""The reader's form: the row's title, question and cells as they are now, to change."""

from django import forms
from django.core.exceptions import ValidationError

from comparisons.models import Dimension, Entry, Segment
from comparisons.sources import format_sources, parse_sources
from comparisons.suggestions.models import (
    BODY_MAX,
    NAME_MAX,
    QUESTION_MAX,
    REASON_MAX,
    SOURCES_MAX,
    TITLE_MAX,
    Suggestion,
)

HONEYPOT = "website"


def current_entries(dimension: Dimension) -> list[tuple[Segment, Entry | None]]:
    """The row's columns in order, each with its cell (None if empty). Runs two queries."""
    entries = {entry.segment_id: entry for entry in dimension.entries.all()}
    return [(s, entries.get(s.pk)) for s in dimension.comparison.ordered_segments()]


class SuggestionForm(forms.Form):
    """One field per row field and per cell, prefilled with the row as it is now.

    The edit versions the reader saw travel in hidden fields: the row may change between
    opening the form and sending it, and the editor merges against what the reader saw.
    """

    title = forms.CharField(max_length=TITLE_MAX)
    question = forms.CharField(max_length=QUESTION_MAX, required=False)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the change is right: what you know, where it comes from.",
    )
    name = forms.CharField(
        max_length=NAME_MAX, required=False, help_text="Optional: the change is credited to it."
    )
    email = forms.EmailField(
        required=False, help_text="Optional: for the editors only, never shown on the site."
    )
    # Hidden from people by CSS: only robots fill it in.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, dimension: Dimension, entries, *args, **kwargs):
        self.dimension, self.entries = dimension, entries
        initial = {"title": dimension.title, "question": dimension.question}
        initial["version"] = dimension.version
        for segment, entry in entries:
            initial[f"body-{segment.pk}"] = entry.body if entry else ""
            initial[f"sources-{segment.pk}"] = format_sources(entry.sources) if entry else ""
            initial[f"version-{segment.pk}"] = entry.version if entry else None
        super().__init__(*args, initial=initial, **kwargs)
        for segment, entry in entries:
            self.fields[f"body-{segment.pk}"] = forms.CharField(
                label=f"{segment.name}: text",
                max_length=BODY_MAX,
                required=entry is not None,  # a cell can be corrected, not emptied
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text="Markdown.",
            )
            self.fields[f"sources-{segment.pk}"] = forms.CharField(
                label=f"{segment.name}: sources",
                max_length=SOURCES_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="One per line: Title | https://…",
            )
            self.fields[f"version-{segment.pk}"] = forms.IntegerField(
                min_value=1, required=False, widget=forms.HiddenInput
            )

    def entry_fields(self):
        """(segment, its current entry, its text, sources and version fields) for the template."""
        return [
            (
                segment,
                entry,
                *(self[f"{part}-{segment.pk}"] for part in ("body", "sources", "version")),
            )
            for segment, entry in self.entries
        ]

    def clean_website(self):
        if self.cleaned_data[HONEYPOT]:
            raise ValidationError("Leave this field empty.")
        return ""

    def clean(self):
        cleaned = super().clean()
        for segment, _ in self.entries:
            name = f"sources-{segment.pk}"
            if name in cleaned:
                try:
                    cleaned[name] = parse_sources(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        if not self.errors and not self._changes_something(cleaned):
            raise ValidationError("Change the row or a cell before sending the suggestion.")
        return cleaned

    def _changes_something(self, cleaned) -> bool:
        dimension = self.dimension
        if (cleaned["title"], cleaned["question"]) != (dimension.title, dimension.question):
            return True
        for segment, entry in self.entries:
            body = cleaned[f"body-{segment.pk}"].replace("\r\n", "\n").strip()
            sources = cleaned[f"sources-{segment.pk}"]
            if (body, sources) != ((entry.body.strip(), entry.sources) if entry else ("", [])):
                return True
        return False

    def save(self, client_hash: str) -> Suggestion:
        cleaned = self.cleaned_data
        entries = {
            str(segment.pk): {
                "body": cleaned[f"body-{segment.pk}"].replace("\r\n", "\n"),
                "sources": cleaned[f"sources-{segment.pk}"],
                "entry": entry.pk if entry else None,
                "seen_version": cleaned[f"version-{segment.pk}"] if entry else None,
            }
            for segment, entry in self.entries
        }
        return Suggestion.objects.create(
            dimension=self.dimension,
            seen_version=cleaned["version"],
            title=cleaned["title"],
            question=cleaned["question"],
            cells=entries,
            reason=cleaned["reason"],
            name=cleaned["name"],
            email=cleaned["email"],
            client_hash=client_hash,
        )


class EditedSuggestionForm(forms.Form):
    """ "Edit then accept": the editor's version of the suggested title, question and cells."""

    title = forms.CharField(max_length=TITLE_MAX)
    question = forms.CharField(max_length=QUESTION_MAX, required=False)

    def __init__(self, suggestion: Suggestion, segments: dict, *args, **kwargs):
        self.suggestion = suggestion
        initial = {"title": suggestion.title, "question": suggestion.question}
        super().__init__(*args, initial=initial, **kwargs)
        for key, proposed in suggestion.cells.items():
            name = segments[int(key)].name if int(key) in segments else key
            self.fields[f"body-{key}"] = forms.CharField(
                label=f"{name}: text",
                max_length=BODY_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                initial=proposed["body"],
            )
            self.fields[f"sources-{key}"] = forms.CharField(
                label=f"{name}: sources", max_length=SOURCES_MAX, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=format_sources(proposed["sources"]),
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for key in self.suggestion.cells:
            name = f"sources-{key}"
            if name in cleaned:
                try:
                    cleaned[name] = parse_sources(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def apply_to_suggestion(self) -> None:
        """The edited values become the suggestion's (not saved here)."""
        suggestion, cleaned = self.suggestion, self.cleaned_data
        before = (suggestion.title, suggestion.question, repr(suggestion.cells))
        suggestion.title, suggestion.question = cleaned["title"], cleaned["question"]
        for key, proposed in suggestion.cells.items():
            proposed["body"] = cleaned[f"body-{key}"].replace("\r\n", "\n")
            proposed["sources"] = cleaned[f"sources-{key}"]
        after = (suggestion.title, suggestion.question, repr(suggestion.cells))
        suggestion.edited_by_editor = suggestion.edited_by_editor or before != after
