"""Atom feeds of changes: a table, any filtered view of it (same query string), or one row.

Each entry is a published change of a row or of one of the cells the view shows, newest
first, linking to the row's change log: its date and what changed, never who. The rows are
the ones the page shows (comparisons/filters.py reads the query string), and which changes
are public is `comparisons.public_changes`' business.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from comparisons.caching import public_page
from comparisons.changes import changes_url
from comparisons.exports import absolute
from comparisons.models import Dimension
from comparisons.public_changes import PublicChange, public_changes
from comparisons.redirects import follows_renames
from comparisons.views import _filtered_table, _get_comparison, _row_table

# Feed readers poll: the newest changes are what they need, and the change log has the rest.
ENTRIES = 50


@dataclass(frozen=True)
class Followed:
    """What a feed follows: a table, a filtered view or a row."""

    title: str
    subtitle: str
    page_path: str  # the page the feed is about
    feed_path: str  # the feed's own canonical URL
    rows: list[Dimension]
    segment_ids: list[int] | None  # the columns shown, or None for all of them
    updated: datetime  # the last change to the table or its rows: the date of an empty feed


class ChangesAtom(Atom1Feed):
    def latest_post_date(self):
        """The newest entry's date; for a feed without entries, a fixed date, not "now"."""
        if not self.items:
            return self.feed["empty_updated"]
        return super().latest_post_date()


class ChangesFeed(Feed):
    feed_type = ChangesAtom
    author_name = settings.SITE_NAME  # the site speaks; editors are never named

    def title(self, followed: Followed) -> str:
        return followed.title

    def subtitle(self, followed: Followed) -> str:
        return followed.subtitle

    def link(self, followed: Followed) -> str:
        return absolute(followed.page_path)

    def feed_url(self, followed: Followed) -> str:
        return absolute(followed.feed_path)

    def feed_guid(self, followed: Followed) -> str:
        return absolute(followed.feed_path)

    def feed_extra_kwargs(self, followed: Followed) -> dict:
        return {"empty_updated": followed.updated}

    def items(self, followed: Followed) -> list[PublicChange]:
        return public_changes(followed.rows, followed.segment_ids, limit=ENTRIES)

    def item_title(self, change: PublicChange) -> str:
        return f"{change.dimension.title}: {change.summary()}"

    def item_description(self, change: PublicChange) -> str:
        # HTML (Atom's summary type="html"): everything an editor wrote is escaped.
        row = change.dimension
        return (
            f"<p>{escape(change.summary())}</p>"
            f'<p><a href="{escape(absolute(row.get_absolute_url()))}">{escape(row.title)}</a>'
            f" in {escape(row.comparison.title)}</p>"
        )

    def item_link(self, change: PublicChange) -> str:
        return absolute(changes_url(change.dimension))

    def item_guid(self, change: PublicChange) -> str:
        # A tag URI (RFC 4151): stays the same when the row is renamed or the site moves path.
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2025:kb:change:{change.key}"

    def item_pubdate(self, change: PublicChange) -> datetime:
        return change.date

    def item_updateddate(self, change: PublicChange) -> datetime:
        return change.date


class ViewChangesFeed(ChangesFeed):
    """`/compare/<comparison>/changes.atom?only=…&tag=…&segments=…&min=…`"""

    def get_object(self, request, comparison: str) -> Followed:
        comparison = _get_comparison(request, comparison)
        view = _filtered_table(request, comparison)
        query = f"?{view.query_string}" if view.query_string else ""
        rows = view.table.rows
        title = f"Changes to {comparison.title}"
        if view.is_filtered:
            title = Truncator(f"{title}: {', '.join(view.chosen_row_titles())}").chars(200)
        what = "view" if view.is_filtered else "table"
        return Followed(
            title=title,
            subtitle=f"Edits to the {len(rows)} row{pluralize(len(rows))} of this {what}, "
            "newest first.",
            page_path=comparison.get_absolute_url() + query,
            feed_path=reverse("changes_feed", args=[comparison.slug]) + query,
            rows=[row.dimension for row in rows],
            segment_ids=[segment.pk for segment in view.table.segments],
            updated=max([comparison.updated, *(row.updated for row in rows)]),
        )


class RowChangesFeed(ChangesFeed):
    """`/compare/<comparison>/<row>/changes.atom`"""

    def get_object(self, request, comparison: str, dimension: str) -> Followed:
        row = _row_table(request, comparison, dimension).rows[0]
        dimension = row.dimension
        return Followed(
            title=f"Changes to {dimension.title} ({dimension.comparison.title})",
            subtitle="Edits to this row and its cells, newest first.",
            page_path=dimension.get_absolute_url(),
            feed_path=reverse(
                "dimension_changes_feed", args=[dimension.comparison.slug, dimension.slug]
            ),
            rows=[dimension],
            segment_ids=None,
            updated=row.updated,
        )


view_changes_feed = require_safe(follows_renames(public_page(ViewChangesFeed())))
row_changes_feed = require_safe(follows_renames(public_page(RowChangesFeed())))
