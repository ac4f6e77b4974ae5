from django import forms

from comparisons.history.conflicts import ConflictCheckedForm
from comparisons.models import Dimension, Entry
from comparisons.sources import format_sources, parse_sources


class SourcesField(forms.CharField):
    """Sources edited as text, one `Title | URL` per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 6, "placeholder": "Title | https://example.com/page"})

    def prepare_value(self, value):
        return format_sources(value) if isinstance(value, list) else value

    def to_python(self, value):
        return parse_sources(super().to_python(value) or "")


class DimensionForm(ConflictCheckedForm):
    class Meta:
        model = Dimension
        fields = "__all__"
        widgets = {
            "version": forms.HiddenInput,
            # Two lines: the whole question in view (it may be 250 characters long).
            "question": forms.Textarea(attrs={"rows": 2}),
        }


class DimensionListForm(ConflictCheckedForm):
    """A row in the admin's list, where position and level are edited."""

    class Meta:
        model = Dimension
        fields = ["position", "difference", "version"]
        widgets = {"version": forms.HiddenInput}


class EntryForm(ConflictCheckedForm):
    sources = SourcesField(
        required=False, help_text="One per line: <code>Title | https://…</code>."
    )

    def describe_field(self, name: str) -> str:
        label = super().describe_field(name)
        return f"{self.instance.segment} · {label}" if self.instance.segment_id else label

    class Meta:
        model = Entry
        fields = ["segment", "body", "sources", "version"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6}), "version": forms.HiddenInput}
