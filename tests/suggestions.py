"""Helpers for tests of readers' suggestions (comparisons/suggestions/)."""

from comparisons.models import Dimension

SUGGEST = "/compare/b2b-vs-b2c/row-1/suggest/"


def entry_key(part: str, segment_slug: str) -> str:
    """A cell's field name in the form: "body-<segment id>"."""
    from comparisons.models import Segment

    return f"{part}-{Segment.objects.get(slug=segment_slug).pk}"


def opened_form(client, url: str = SUGGEST) -> dict:
    """The form's fields as the reader's browser would send them back unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {field.html_name: field.value() or "" for field in form if field.name != "website"}


def suggestion_data(client, url: str = SUGGEST, **changes) -> dict:
    """The opened form with `changes` (keys as field names, `b2b_body` for a cell's text)."""
    data = opened_form(client, url)
    data["reason"] = "The rules changed last spring."
    for key, value in changes.items():
        if "_" in key and key.split("_")[0] in ("b2b", "b2c"):
            segment, part = key.split("_")
            key = entry_key(part, segment)
        data[key] = value
    return data


def send(client, url: str = SUGGEST, **changes):
    return client.post(url, suggestion_data(client, url, **changes))


def stored_dimension(slug: str = "row-1") -> Dimension:
    return Dimension.objects.get(slug=slug)
