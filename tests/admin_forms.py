"""The POST data of the admin's dimension form, as a browser would send it."""

from comparisons.models import Dimension


def opened_dimension_form(dimension: Dimension, **changes) -> dict:
    """What the change form of `dimension` holds when opened now, with `changes` typed in.

    `changes` may name entry fields as `<segment slug>_body` / `<segment slug>_sources`.
    """
    dimension = Dimension.objects.get(pk=dimension.pk)
    entries = list(dimension.entries.select_related("segment").order_by("segment__position"))
    data = {
        "comparison": dimension.comparison_id,
        "title": dimension.title,
        "slug": dimension.slug,
        "question": dimension.question,
        "status": dimension.status,
        "difference": dimension.difference,
        "position": dimension.position,
        "tags": ", ".join(sorted(dimension.tags.names())),
        "common_ground": dimension.common_ground,
        "version": dimension.version,
        "entries-TOTAL_FORMS": len(entries),
        "entries-INITIAL_FORMS": len(entries),
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 1000,
    }
    for index, entry in enumerate(entries):
        data |= {
            f"entries-{index}-id": entry.pk,
            f"entries-{index}-dimension": dimension.pk,
            f"entries-{index}-segment": entry.segment_id,
            f"entries-{index}-body": changes.pop(f"{entry.segment.slug}_body", entry.body),
            f"entries-{index}-sources": changes.pop(
                f"{entry.segment.slug}_sources",
                "\n".join(f"{s['title']} | {s['url']}" for s in entry.sources),
            ),
            f"entries-{index}-version": entry.version,
        }
    return data | changes


def change_url(dimension: Dimension) -> str:
    return f"/admin/comparisons/dimension/{dimension.pk}/change/"
