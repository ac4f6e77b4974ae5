"""A change as readers read it on change logs and feeds: what changed, in plain words, then
why (the edit's reason), never who.

`change_words` is the one place that words a change. It reads today's history (a
`DimensionRevision` of comparisons/history/versions.py); when edits are recorded as
changesets it can read those instead, and every page keeps its words.
"""

from comparisons.history.versions import DimensionRevision

# A row's fields as readers name them; None for those they do not see change.
FIELD_WORDS = {
    "title": "title",
    "question": "question",
    "common ground": "common ground",
    "difference": "difference level",
    "tags": "tags",
    "position": "place in the table",
    "slug": None,
    "status": None,
}
ENTRY_WORDS = {"text": "answer", "body": "answer", "sources": "sources"}


def change_words(revision: DimensionRevision) -> str:
    """One change in a sentence or two: "B2B answer and sources changed. Fixed a typo." """
    if revision.is_deletion:
        what = ["row removed"]
    elif revision.first_shown:
        what = ["row added" if revision.is_creation else "row published"]
    else:
        fields = [FIELD_WORDS.get(c.name, c.name) for c in revision.field_changes]
        changed = [name for name in fields if name]
        what = []
        for change in revision.entry_changes:
            if change.kind == "changed":
                names = [ENTRY_WORDS.get(field.name, field.name) for field in change.fields]
                changed.append(f"{change.segment} {_joined(names)}")
            else:
                what.append(f"{change.segment} answer {change.kind}")
        if changed:
            what.insert(0, f"{_joined(changed)} changed")
    sentences = [_joined(what) or "saved without a visible change"]
    if revision.reason:
        sentences.append(revision.reason)
    return " ".join(_sentence(text) for text in sentences)


def _joined(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    return f"{text[:1].upper()}{text[1:]}{'' if text.endswith(('.', '!', '?')) else '.'}"
