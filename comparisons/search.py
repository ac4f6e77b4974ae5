"""Full-text search over rows: the one place that knows which database does the matching.

`search(text, user, page)` is all a view needs. On PostgreSQL the matching, ranking and
snippets come from the database (a weighted `tsvector` per row, kept in
`Dimension.search_vector` with a GIN index); elsewhere (SQLite) the same rules are applied
in Python to the visible rows: stemmed words, quoted phrases, `-word` exclusion.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import TaggedItem

from comparisons.models import Comparison, Dimension, Entry
from comparisons.tables import rows_queryset

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
CONFIG = "english"
# Sentinels around highlighted words: the snippet is escaped whole, then they become <mark>.
START, STOP = "\ue000", "\ue001"


class QueryTooLong(ValueError):
    pass


@dataclass
class Hit:
    dimension: Dimension
    title: SafeString
    snippet: SafeString


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

    Runs a fixed number of queries, whatever the page holds.
    """
    query = clean_query(text)
    rows = Dimension.objects.visible_to(user)
    if _uses_postgres():
        matches = _PostgresHits(rows, query)
        page = Paginator(matches, PAGE_SIZE).get_page(page_number)
        page.object_list = matches.hits_for(page.object_list)
    else:
        page = Paginator(_python_hits(rows, query), PAGE_SIZE).get_page(page_number)
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


def _marked(headline: str) -> SafeString:
    """Escape everything, then turn the sentinels we asked for (and only them) into <mark>."""
    text = escape(headline.replace("*", ""))
    text = re.sub(f"{START}(.*?){STOP}", r"<mark>\1</mark>", text)
    return mark_safe(text.replace(START, "").replace(STOP, ""))


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


def _snippet_text():
    """The text snippets are cut from: question, common ground, then the cells."""
    parts = [
        Cast("question", TextField()),
        Value(" "),
        F("common_ground"),
        Value(" "),
        Coalesce(_entries_text(), Value(""), output_field=TextField()),
    ]
    return Concat(*parts, output_field=TextField())


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

    def hits_for(self, page_rows) -> list[Hit]:
        """The page's rows with highlighted title and snippet: two queries (rows, tags)."""
        ids = [row.pk for row in page_rows]
        highlighted = (
            Dimension.objects.filter(pk__in=ids)
            .select_related("comparison")
            .prefetch_related("tags")
            .defer("search_vector")
            .annotate(
                title_headline=SearchHeadline(
                    "title",
                    self.query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    highlight_all=True,
                ),
                snippet_headline=SearchHeadline(
                    _snippet_text(),
                    self.query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_fragments=2,
                    max_words=25,
                    min_words=8,
                    fragment_delimiter=" … ",
                ),
            )
        )
        by_id = {row.pk: row for row in highlighted}
        return [
            Hit(
                by_id[pk],
                _marked(by_id[pk].title_headline),
                _marked(by_id[pk].snippet_headline),
            )
            for pk in ids
            if pk in by_id
        ]


# --- Other databases (SQLite) -----------------------------------------------------------

WORD = re.compile(r"\w+")
# A few English stop words, as PostgreSQL's "english" configuration drops them too.
STOP_WORDS = frozenset(
    [
        *("a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have"),
        *("in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "them", "they"),
        *("this", "to", "was", "were", "will", "with"),
    ]
)
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}


def stem(word: str) -> str:
    """A light English stemmer: enough that "dogfooding" meets "dogfood" and plurals meet."""
    word = word.lower()
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _stems(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text)]


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
            stems = tuple(s for s in _stems(match.group(2)) if s not in STOP_WORDS)
            target = excluded if match.group(1) else phrases
            if stems and match.group(1):
                excluded.extend(stems)
            elif len(stems) == 1:
                words.extend(stems)
            elif stems:
                target.append(stems)
        else:
            stems = [s for s in _stems(match.group(4)) if s not in STOP_WORDS]
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
    fields = [(_stems(text), weight) for text, weight in _fields(dimension)]
    every = [s for stems, _ in fields for s in stems]
    if any(s in every for s in parsed.excluded):
        return 0.0
    if not all(w in every for w in parsed.words):
        return 0.0
    if not all(any(_contains(stems, p) for stems, _ in fields) for p in parsed.phrases):
        return 0.0
    wanted = parsed.highlighted
    return sum(WEIGHTS[weight] * sum(s in wanted for s in stems) for stems, weight in fields)


def _highlight(text: str, wanted: frozenset[str]) -> str:
    return WORD.sub(lambda m: f"{START}{m[0]}{STOP}" if stem(m[0]) in wanted else m[0], text)


def _snippet(dimension: Dimension, wanted: frozenset[str], words: int = 30) -> str:
    """Around the first highlighted word of the question, common ground or cells."""
    texts = [dimension.question, dimension.common_ground]
    texts += [entry.body for entry in dimension.entries.all()]
    marked = _highlight(" ".join(t for t in texts if t), wanted).split()
    first = next((i for i, w in enumerate(marked) if START in w), 0)
    start = max(0, first - 8)
    return " ".join(marked[start : start + words])


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
    wanted = parsed.highlighted
    return [
        Hit(d, _marked(_highlight(d.title, wanted)), _marked(_snippet(d, wanted)))
        for _, d in ranked
    ]
