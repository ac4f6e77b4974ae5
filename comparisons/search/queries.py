"""Full-text search over dimensions: the one place that knows which database does the matching.

`search(text, user, page)` is all a view needs. The database matches, ranks and marks the
matched words on both backends: PostgreSQL with a weighted `tsvector` per dimension
(`Dimension.search_vector`, GIN index, `english` configuration), SQLite with an FTS5 table
(`DimensionText`: Porter stemmer, bm25 rank with the same weights). Snippets are cut in
Python from the page's rows, marking the words the database marked
(comparisons/search/snippets.py).
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
from django.db.models import F, Func, Lookup, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from taggit.models import TaggedItem

from comparisons.grids import with_entries
from comparisons.models import Comparison, Dimension, DimensionText, Entry
from comparisons.search.snippets import Snippet, highlight, matched_tags, snippets

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
CONFIG = "english"
WORD = re.compile(r"\w+")
# Around the words the database matched, in the text it hands back; no content holds them.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)

# PostgreSQL's english.stop: the words its `english` configuration leaves out of a query.
# SQLite leaves them out too, so that "no sales team at all" finds the same dimensions on both.
_ENGLISH_STOP = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against
between into through during before after above below to from up down in out on off over
under again further then once here there when where why how all any both each few more
most other some such no nor not only own same so than too very s t can will just don
should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split())


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
    backend = _Postgres(query) if _uses_postgres() else _Fts5(query)
    matches = backend.matches(Dimension.objects.visible_to(user))
    matches = matches.order_by("rank", "comparison__title", "position", "pk").only("pk")
    page = Paginator(matches, PAGE_SIZE).page(page_number or 1)
    page.object_list = _hits([dimension.pk for dimension in page.object_list], backend)
    return Results(query, page, _grouped(page.object_list))


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _hits(ids: list[int], backend) -> list[Hit]:
    """The page's dimensions as results, in rank order: three queries (dimensions with the words the
    database marked, their tags, their cells)."""
    dimensions = backend.with_marks(with_entries(Dimension.objects.filter(pk__in=ids))).in_bulk()
    hits = []
    for dimension in (dimensions.get(pk) for pk in ids):
        if dimension is not None:
            wanted = _marked_words(dimension.marked)
            title = highlight(dimension.title, wanted)
            hits.append(
                Hit(dimension, title, snippets(dimension, wanted), matched_tags(dimension, wanted))
            )
    return hits


def _grouped(hits: list[Hit]) -> list[tuple[Comparison, list[Hit]]]:
    """Consecutive hits of one comparison together, keeping rank order between groups."""
    groups: dict[int, tuple[Comparison, list[Hit]]] = {}
    for hit in hits:
        comparison = hit.dimension.comparison
        groups.setdefault(comparison.pk, (comparison, []))[1].append(hit)
    return list(groups.values())


def _marked_words(text: str) -> frozenset[str]:
    """The words the database put between START and STOP, lower-cased."""
    return frozenset(word.lower() for span in MARKED.findall(text) for word in WORD.findall(span))


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


def _fields():
    """Everything a dimension is searched on, with its weight: title A, question and tags B,
    common ground and cells C."""
    parts = [
        (F("title"), "A"),
        (F("question"), "B"),
        (_tags_text(), "B"),
        (F("common_ground"), "C"),
        (_entries_text(), "C"),
    ]
    return [(Coalesce(text, Value(""), output_field=TextField()), weight) for text, weight in parts]


def _document():
    vectors = [SearchVector(text, weight=weight, config=CONFIG) for text, weight in _fields()]
    document = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return document


class _Postgres:
    def __init__(self, query: str):
        self.query = SearchQuery(query, search_type="websearch", config=CONFIG)

    def matches(self, dimensions):
        # Filter on the match itself (the GIN index), not on rank > 0; negated so that the
        # best rank sorts first, as FTS5's does.
        return dimensions.filter(search_vector=self.query).annotate(
            rank=-SearchRank(F("search_vector"), self.query)
        )

    def with_marks(self, dimensions):
        """`dimensions` with `marked`: all their searched text, matched words between START and
        STOP (ts_headline with HighlightAll: every match, not an excerpt)."""
        spaced = [part for text, _ in _fields() for part in (text, Value(" "))]
        text = Concat(*spaced, output_field=TextField())
        return dimensions.annotate(
            marked=SearchHeadline(
                text, self.query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
            )
        )


# --- SQLite: FTS5 ----------------------------------------------------------------------


@DimensionText._meta.get_field("document").register_lookup
class Match(Lookup):
    """`document__match=...`: FTS5's MATCH, which uses the full-text index."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


FTS_FIELDS = 5  # title, question, tags, common_ground, cells (migration 0017)
FTS_DOCUMENTS = """
    SELECT d.id, d.title, d.question,
        coalesce((
            SELECT group_concat(t.name, ' ')
            FROM taggit_taggeditem AS ti
            JOIN taggit_tag AS t ON t.id = ti.tag_id
            JOIN django_content_type AS ct ON ct.id = ti.content_type_id
            WHERE ct.app_label = 'comparisons' AND ct.model = 'dimension' AND ti.object_id = d.id
        ), ''),
        d.common_ground,
        coalesce((SELECT group_concat(e.body, ' ') FROM comparisons_entry AS e
                  WHERE e.dimension_id = d.id), '')
    FROM comparisons_dimension AS d
"""


def fts_query(query: str) -> str:
    """Web-search syntax as an FTS5 query: words and "quoted phrases" all wanted, -words not.

    Every term is quoted, so nothing a reader types is read as FTS5 syntax; stop words are
    left out of words (as PostgreSQL's `english` configuration does), kept inside phrases.
    Empty if nothing is left to look for.
    """
    wanted, unwanted = [], []
    for match in re.finditer(r'(-?)"([^"]*)"?|(-?)([^\s"]+)', query):
        quoted = match.group(2) is not None
        words = [w.lower() for w in WORD.findall(match.group(2) if quoted else match.group(4))]
        if not (quoted and len(words) > 1):
            words = [w for w in words if w not in STOP_WORDS]
        if not words:
            continue
        terms = [" ".join(words)] if quoted else words
        (unwanted if match.group(1) or match.group(3) else wanted).extend(terms)
    if not wanted:
        return ""
    text = " AND ".join(_quoted(term) for term in wanted)
    if unwanted:
        text = "({}) NOT ({})".format(text, " OR ".join(_quoted(term) for term in unwanted))
    return text


def _quoted(term: str) -> str:
    return '"' + term + '"'  # words only (\w+): no quote to double


class _Fts5:
    def __init__(self, query: str):
        self.query = fts_query(query)

    def matches(self, dimensions):
        if not self.query:
            return dimensions.none().annotate(rank=F("text__rank"))
        return dimensions.filter(text__document__match=self.query).annotate(rank=F("text__rank"))

    def with_marks(self, dimensions):
        """`dimensions` with `marked`: their indexed text, matched words between START and STOP
        (FTS5's highlight(), field by field)."""
        marks = []
        for number in range(FTS_FIELDS):
            marks += [
                Func(
                    F("text__document"),
                    Value(number),
                    Value(START),
                    Value(STOP),
                    function="highlight",
                    output_field=TextField(),
                ),
                Value(" "),
            ]
        return self.matches(dimensions).annotate(marked=Concat(*marks, output_field=TextField()))


def refresh_search_vectors(dimension_ids=None) -> None:
    """Index these dimensions again (all if None): one UPDATE of their vectors on PostgreSQL,
    a DELETE and an INSERT … SELECT of their FTS5 rows on SQLite (raw SQL: the ORM writes no
    virtual table, and this copies only derived words)."""
    if _uses_postgres():
        dimensions = Dimension.objects.all()
        if dimension_ids is not None:
            dimensions = dimensions.filter(pk__in=list(dimension_ids))
        dimensions.update(search_vector=_document())
    elif connection.vendor == "sqlite":
        _refresh_fts(None if dimension_ids is None else list(dimension_ids))


def _refresh_fts(ids: list[int] | None, batch: int = 500) -> None:
    insert = (
        "INSERT INTO comparisons_dimension_fts(rowid, title, question, tags, common_ground, cells)"
    )
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM comparisons_dimension_fts")
            cursor.execute(f"{insert} {FTS_DOCUMENTS}")
            return
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM comparisons_dimension_fts WHERE rowid IN ({marks})", chunk)
            cursor.execute(f"{insert} {FTS_DOCUMENTS} WHERE d.id IN ({marks})", chunk)
