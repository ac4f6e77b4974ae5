"""Atom feeds of changes: a table, any filtered view of it (same query string), or one row.

Each entry is a published change of a row or of one of the cells the view shows, newest
first, linking to it on the row's change log: its date and what changed, never who. The rows
are the ones the page shows (comparisons/filters.py reads the query string); the changes are
the ones readers saw (`public_dimension_histories` in comparisons/history/versions.py), as on
change logs.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
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
from comparisons.gone import deleted_dimensions_of
from comparisons.history.change_words import change_words
from comparisons.history.changes import changes_url
from comparisons.history.versions import DimensionRevision, public_dimension_histories
from comparisons.lookups import dimension_grid, filtered_grid, get_comparison
from comparisons.models import Dimension, Segment
from comparisons.redirects import follows_renames
from comparisons.transfer.exports import absolute

# Feed readers poll: the newest changes are what they need, and the change log has the rest.
ENTRIES = 50
# Changes to several rows with the same reason this close together are one edit to the table
# (a load or an update of the default content, an import): one entry, not one per row.
ONE_EDIT = timedelta(minutes=10)


@dataclass(frozen=True)
class Followed:
    """What a feed follows: a table, a filtered view or a row."""

    title: str
    subtitle: str
    page_path: str  # the page the feed is about
    feed_path: str  # the feed's own canonical URL
    dimensions: list[Dimension]
    segments: list[Segment]  # the columns shown
    updated: datetime  # the last change to the table or its rows: the date of an empty feed


@dataclass(frozen=True)
class Change:
    dimension: Dimension  # the row as it is now: its title and URLs
    revision: (
        DimensionRevision  # one revision readers saw, described against the one they saw before
    )
    # Other rows' changes folded into this one: the same reason, made together.
    others: list["Change"] = field(default_factory=list)

    @property
    def dimensions(self) -> list[Dimension]:
        return [self.dimension, *(other.dimension for other in self.others)]


def fold_changes(changes: list[Change]) -> list[Change]:
    """`changes` (newest first) with each run of changes of several rows that share a reason
    and were made within ONE_EDIT folded into one."""
    folded: list[Change] = []
    for change in changes:
        last = folded[-1] if folded else None
        if (
            last is not None
            and change.revision.reason
            and change.revision.reason == last.revision.reason
            and last.revision.date - change.revision.date <= ONE_EDIT
        ):
            last.others.append(change)
        else:
            folded.append(replace(change, others=[]))
    return folded


def public_changes(followed: Followed, limit: int) -> list[Change]:
    """The `limit` newest changes readers saw to the rows and columns `followed` shows.

    Runs three queries, whatever the number of rows and the length of their history.
    """
    shown = {segment.name for segment in followed.segments}  # a cell change names its column
    histories = public_dimension_histories([dimension.pk for dimension in followed.dimensions])
    changes = []
    for dimension in followed.dimensions:
        for revision in histories.get(dimension.pk, []):
            revision = replace(
                revision, entry_changes=[c for c in revision.entry_changes if c.segment in shown]
            )
            if revision.is_listed:  # what the change log lists, in these columns
                changes.append(Change(dimension, revision))
    changes.sort(key=lambda change: (change.revision.date, change.revision.key), reverse=True)
    return fold_changes(changes)[:limit]


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

    def items(self, followed: Followed) -> list[Change]:
        return public_changes(followed, limit=ENTRIES)

    def item_title(self, change: Change) -> str:
        if change.others:
            count = len(change.dimensions)
            return f"{change.revision.reason}: {count} rows of {change.dimension.comparison.title}"
        return f"{change.dimension.title}: {change_words(change.revision)}"

    def item_description(self, change: Change) -> str:
        # HTML (Atom's summary type="html"): everything an editor wrote is escaped.
        links = ", ".join(
            f'<a href="{escape(absolute(each.get_absolute_url()))}">{escape(each.title)}</a>'
            for each in change.dimensions
        )
        what = (
            escape(change.revision.reason)
            if change.others
            else escape(change_words(change.revision))
        )
        return f"<p>{what}</p><p>{links} in {escape(change.dimension.comparison.title)}</p>"

    def item_link(self, change: Change) -> str:
        """The change on the row's change log."""
        return absolute(f"{changes_url(change.dimension)}#{change.revision.key}")

    def item_guid(self, change: Change) -> str:
        # A tag URI (RFC 4151): stays the same when the row is renamed or the site moves path.
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2025:kb:change:{change.revision.key}"

    def item_pubdate(self, change: Change) -> datetime:
        return change.revision.date

    def item_updateddate(self, change: Change) -> datetime:
        return change.revision.date


class ViewChangesFeed(ChangesFeed):
    """`/compare/<comparison>/changes.atom?only=…&tag=…&segments=…&min=…`"""

    def get_object(self, request, comparison: str) -> Followed:
        comparison = get_comparison(request, comparison)
        view = filtered_grid(request, comparison)
        query = f"?{view.query_string}" if view.query_string else ""
        lines = view.grid.lines
        title = f"Changes to {comparison.title}"
        if view.is_filtered:
            title = Truncator(f"{title}: {', '.join(view.chosen_dimension_titles())}").chars(200)
        what = "view" if view.is_filtered else "table"
        return Followed(
            title=title,
            subtitle=f"Edits to the {len(lines)} row{pluralize(len(lines))} of this {what}, "
            "newest first.",
            page_path=comparison.get_absolute_url() + query,
            feed_path=reverse("changes_feed", args=[comparison.slug]) + query,
            # The whole table's feed also says which rows were removed.
            dimensions=[line.dimension for line in lines]
            + ([] if view.is_filtered else deleted_dimensions_of(comparison)),
            segments=view.grid.segments,
            updated=max([comparison.updated, *(line.updated for line in lines)]),
        )


class DimensionChangesFeed(ChangesFeed):
    """`/compare/<comparison>/<row>/changes.atom`"""

    def get_object(self, request, comparison: str, dimension: str) -> Followed:
        grid = dimension_grid(request, comparison, dimension)
        line = grid.lines[0]
        dimension = line.dimension
        return Followed(
            title=f"Changes to {dimension.title} ({dimension.comparison.title})",
            subtitle="Edits to this row and its cells, newest first.",
            page_path=dimension.get_absolute_url(),
            feed_path=reverse(
                "dimension_changes_feed", args=[dimension.comparison.slug, dimension.slug]
            ),
            dimensions=[dimension],
            segments=grid.segments,
            updated=line.updated,
        )


view_changes_feed = require_safe(follows_renames(public_page(ViewChangesFeed())))
dimension_changes_feed = require_safe(follows_renames(public_page(DimensionChangesFeed())))
