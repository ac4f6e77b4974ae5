"""Synthetic content for benchmarks: many published comparisons, fast (bulk inserts).

`make_synthetic_content(1000, 50)` makes 1,000 comparisons of 50 rows with a B2B and a B2C
cell each: 100,000 entries. Words follow Zipf's law, as in real text: a few are everywhere,
most are rare. The product words above are spread over the ranks (from common to rare) among
made-up words, so queries for them match anywhere from most rows to a handful. A seeded
random generator makes two runs with the same arguments make the same content.
"""

import random

from django.db import connection
from taggit.models import Tag, TaggedItem

from comparisons.history import writes
from comparisons.history.writes import BATCH, bulk_create, record_history
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status

VOCABULARY = [
    "account",
    "adoption",
    "analytics",
    "buyer",
    "cadence",
    "churn",
    "cohort",
    "contract",
    "conversion",
    "customer",
    "customisation",
    "data",
    "deal",
    "demo",
    "discovery",
    "dogfood",
    "engagement",
    "enterprise",
    "experiment",
    "feature",
    "feedback",
    "funnel",
    "growth",
    "integration",
    "interview",
    "launch",
    "licence",
    "market",
    "marketing",
    "metric",
    "onboarding",
    "persona",
    "pipeline",
    "pricing",
    "procurement",
    "prototype",
    "quarter",
    "referral",
    "release",
    "renewal",
    "research",
    "retention",
    "revenue",
    "roadmap",
    "rollout",
    "sales",
    "segment",
    "seat",
    "stakeholder",
    "strategy",
    "subscription",
    "support",
    "survey",
    "team",
    "testing",
    "trial",
    "usability",
    "user",
    "vision",
    "workflow",
]
TAGS = [f"topic-{n:02d}" for n in range(30)]
SLUG_PREFIX = "synthetic-"
REASON = "Synthetic content for benchmarks"


WORDS = 3000
SYLLABLES = ["ka", "lo", "mi", "ter", "su", "dan", "ve", "ro", "pi", "nul", "ga", "zo", "bre"]


def _word_list() -> list[str]:
    """Made-up words, with the product vocabulary spread evenly over the ranks."""
    rng = random.Random(0)
    unique = {}  # a dict keeps the order words were first made in
    while len(unique) < WORDS:
        unique.setdefault("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    words = list(unique)
    step = WORDS // len(VOCABULARY)
    for n, word in enumerate(VOCABULARY):
        words[5 + n * step] = word
    return words


def _cumulative_zipf_weights(count: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank
        weights.append(total)
    return weights


RANKED_WORDS = _word_list()
CUMULATIVE_WEIGHTS = _cumulative_zipf_weights(WORDS)


def _sentence(rng: random.Random, words: int) -> str:
    chosen = rng.choices(RANKED_WORDS, cum_weights=CUMULATIVE_WEIGHTS, k=words)
    return " ".join(chosen).capitalize() + "."


def make_synthetic_content(comparisons: int, dimensions: int, seed: int = 1) -> int:
    """Create the content, as one changeset; returns the number of entries made."""
    with writes.changeset(None, writes.Reason.LOAD, REASON):
        return _make(comparisons, dimensions, seed)


def _make(comparisons: int, dimensions: int, seed: int) -> int:
    rng = random.Random(seed)
    segments = [
        Segment.objects.get_or_create(slug=slug, defaults={"name": name, "position": n})[0]
        for n, (slug, name) in enumerate([("b2b", "B2B"), ("b2c", "B2C")])
    ]
    start = Comparison.objects.filter(slug__startswith=SLUG_PREFIX).count()
    tables = bulk_create(
        Comparison,
        (
            Comparison(
                title=f"Synthetic comparison {n:05d}",
                slug=f"{SLUG_PREFIX}{n:05d}",
                summary=_sentence(rng, 20),
                status=Status.PUBLISHED,
            )
            for n in range(start, start + comparisons)
        ),
    )
    bulk_create(
        ComparisonSegment,
        (
            ComparisonSegment(comparison=table, segment=segment, position=n)
            for table in tables
            for n, segment in enumerate(segments)
        ),
    )
    rows = Dimension.objects.bulk_create(
        (
            Dimension(
                comparison=table,
                title=_sentence(rng, 3)[:-1],
                slug=f"row-{n:03d}",
                question=_sentence(rng, 10)[:-1] + "?",
                common_ground=_sentence(rng, 15) if n % 4 == 0 else "",
                position=n,
                status=Status.PUBLISHED,
            )
            for table in tables
            for n in range(dimensions)
        ),
        batch_size=BATCH,
    )
    tags = [Tag.objects.get_or_create(slug=slug, defaults={"name": slug})[0] for slug in TAGS]
    tags_of = {row.pk: rng.sample(tags, 2) for row in rows}
    TaggedItem.objects.bulk_create(
        (TaggedItem(content_object=row, tag=tag) for row in rows for tag in tags_of[row.pk]),
        batch_size=BATCH,
    )
    record_history(rows)  # the rows' tags join their records when the changeset closes
    entries = bulk_create(
        Entry,
        (
            Entry(dimension=row, segment=segment, body=_sentence(rng, 40), sources=[])
            for row in rows
            for segment in segments
        ),
    )
    return len(entries)


def update_planner_statistics() -> None:
    """ANALYZE on PostgreSQL, as after any bulk load: until autovacuum gets to it, the planner
    guesses row counts, and the table page's queries turn into scans of every row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
