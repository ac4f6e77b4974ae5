"""Full-text search over rows: the one place that knows which database does the matching.

`search(text, user, page)` is all a view needs. On PostgreSQL the matching and ranking come
from the database (a weighted `tsvector` per row, kept in `Dimension.search_vector` with a
GIN index); elsewhere (SQLite) the same rules are applied in Python to the visible rows:
Snowball-stemmed words, quoted phrases, `-word` exclusion. Snippets are made in Python on
both, from the page's rows only (comparisons/snippets.py).
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from taggit.models import TaggedItem

from comparisons.models import Comparison, Dimension, Entry
from comparisons.snippets import Snippet, highlight, matched_tags, snippets
from comparisons.tables import rows_queryset
from comparisons.words import STOP_WORDS
from comparisons.words import stems as word_stems

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
CONFIG = "english"


class QueryTooLong(ValueError):
    pass


@dataclass
class Hit:
    dimension: Dimension
    title: SafeString  # with the matched words in <mark>
    snippets: list[Snippet]  # where else it matched, labelled
    matched_tags: list[str]  # names of the tags it matched by

    @property
    def snippet(self) -> SafeString:
        """The snippets on one line ("B2B: … the <mark>sales</mark> team …"), for the API."""
        return format_html_join(" · ", "{}: {}", ((s.label, s.text) for s in self.snippets))


def _hit(dimension: Dimension, wanted: frozenset[str]) -> Hit:
    """A result as shown. Needs the row's tags and entries prefetched: runs no query."""
    return Hit(
        dimension,
        highlight(dimension.title, wanted),
        snippets(dimension, wanted),
        matched_tags(dimension, wanted),
    )


@dataclass
class Results:
    query: str
    page: Page
    groups: list[tuple[Comparison, list[Hit]]] = field(default_factory=list)


def clean_query(text: str) -> str:
    """The query as searched: no control characters (PostgreSQL refuses NUL), one space."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(f"Search for at most {MAX_QUERY_LENGTH} characters.")
    return text


def search(text: str, user, page_number) -> Results:
    """Rows visible to `user` matching `text`, best first, `PAGE_SIZE` to a page.

    Runs a fixed number of queries, whatever the page holds. A page number past the last (or
    not a number) raises `InvalidPage`, as the API answers 404 there.
    """
    query = clean_query(text)
    rows = Dimension.objects.visible_to(user)
    if _uses_postgres():
        matches = _PostgresHits(rows, query)
        page = Paginator(matches, PAGE_SIZE).page(page_number or 1)
        page.object_list = matches.hits_for(page.object_list, parse(query).highlighted)
    else:
        page = Paginator(_python_hits(rows, query), PAGE_SIZE).page(page_number or 1)
    return Results(query, page, _grouped(page.object_list))


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _grouped(hits: list[Hit]) -> list[tuple[Comparison, list[Hit]]]:
    """Consecutive hits of one comparison together, keeping rank order between groups."""
    groups: dict[int, tuple[Comparison, list[Hit]]] = {}
    for hit in hits:
        comparison = hit.dimension.comparison
        groups.setdefault(comparison.pk, (comparison, []))[1].append(hit)
    return list(groups.values())


# --- PostgreSQL ------------------------------------------------------------------------


def _entries_text():
    return Subquery(
        Entry.objects.filter(dimension=OuterRef("pk"))
        .values("dimension")
        .annotate(text=StringAgg("body", " ", order_by="segment__position"))
        .values("text")
    )


def _tags_text():
    return Subquery(
        TaggedItem.objects.filter(
            object_id=OuterRef("pk"),
            content_type__app_label="comparisons",
            content_type__model="dimension",
        )
        .values("object_id")
        .annotate(text=StringAgg("tag__name", " "))
        .values("text")
    )


def _document():
    """Everything a row is searched on: title A, question and tags B, cells C."""

    def part(expression, weight):
        text = Coalesce(expression, Value(""), output_field=TextField())
        return SearchVector(text, weight=weight, config=CONFIG)

    return (
        part(F("title"), "A")
        + part(F("question"), "B")
        + part(_tags_text(), "B")
        + part(F("common_ground"), "C")
        + part(_entries_text(), "C")
    )


def refresh_search_vectors(dimension_ids=None) -> None:
    """Rebuild the search vector of these rows (all rows if None). One UPDATE; PostgreSQL only."""
    if not _uses_postgres():
        return
    rows = Dimension.objects.all()
    if dimension_ids is not None:
        rows = rows.filter(pk__in=list(dimension_ids))
    rows.update(search_vector=_document())


class _PostgresHits:
    """Matching rows for the paginator: counts and slices in the database."""

    def __init__(self, rows, query: str):
        self.query = SearchQuery(query, search_type="websearch", config=CONFIG)
        # Filter on the match itself (the GIN index), not on rank > 0.
        self.matches = (
            rows.filter(search_vector=self.query)
            .only("pk")
            .annotate(rank=SearchRank(F("search_vector"), self.query))
            .order_by("-rank", "comparison__title", "position", "pk")
        )

    def count(self) -> int:
        return self.matches.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.matches[index]

    def hits_for(self, page_rows, wanted: frozenset[str]) -> list[Hit]:
        """The page's rows as results: three queries (rows, their tags, their cells)."""
        ids = [row.pk for row in page_rows]
        by_id = {row.pk: row for row in rows_queryset(Dimension.objects.filter(pk__in=ids))}
        return [_hit(by_id[pk], wanted) for pk in ids if pk in by_id]


# --- Other databases (SQLite) -----------------------------------------------------------

WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # stems that must appear
    phrases: tuple[tuple[str, ...], ...]  # stem sequences that must appear in order
    excluded: tuple[str, ...]  # stems that must not appear

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def highlighted(self) -> frozenset[str]:
        return frozenset(self.words).union(*self.phrases)


def parse(query: str) -> ParsedQuery:
    """Web-search syntax: words, "quoted phrases", -excluded words (unbalanced quotes close)."""
    words, phrases, excluded = [], [], []
    for match in re.finditer(r'(-?)"([^"]*)"?|(-?)([^\s"]+)', query):
        if match.group(2) is not None:
            stems = tuple(s for s in word_stems(match.group(2)) if s not in STOP_WORDS)
            target = excluded if match.group(1) else phrases
            if stems and match.group(1):
                excluded.extend(stems)
            elif len(stems) == 1:
                words.extend(stems)
            elif stems:
                target.append(stems)
        else:
            stems = [s for s in word_stems(match.group(4)) if s not in STOP_WORDS]
            (excluded if match.group(3) else words).extend(stems)
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded))


def _fields(dimension: Dimension) -> list[tuple[str, str]]:
    entries = " ".join(entry.body for entry in dimension.entries.all())
    tags = " ".join(tag.name for tag in dimension.tags.all())
    return [
        (dimension.title, "A"),
        (dimension.question, "B"),
        (tags, "B"),
        (dimension.common_ground, "C"),
        (entries, "C"),
    ]


def _contains(stems: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(stems[i : i + size]) == phrase for i in range(len(stems) - size + 1))


def _rank(dimension: Dimension, parsed: ParsedQuery) -> float:
    """0 if the row does not match; otherwise higher for matches in weightier fields."""
    fields = [(word_stems(text), weight) for text, weight in _fields(dimension)]
    every = [s for stems, _ in fields for s in stems]
    if any(s in every for s in parsed.excluded):
        return 0.0
    if not all(w in every for w in parsed.words):
        return 0.0
    if not all(any(_contains(stems, p) for stems, _ in fields) for p in parsed.phrases):
        return 0.0
    wanted = parsed.highlighted
    return sum(WEIGHTS[weight] * sum(s in wanted for s in stems) for stems, weight in fields)


def _python_hits(rows, query: str) -> list[Hit]:
    parsed = parse(query)
    if parsed.is_empty:
        return []
    ranked = []
    for dimension in rows_queryset(rows):
        rank = _rank(dimension, parsed)
        if rank:
            ranked.append((rank, dimension))
    ranked.sort(key=lambda r: (-r[0], r[1].comparison.title, r[1].position, r[1].pk))
    return [_hit(dimension, parsed.highlighted) for _, dimension in ranked]
