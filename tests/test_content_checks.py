"""Checks that keep the default content honest, over every file in comparisons/defaults/tables/
(so a table added there is checked too): every cell has a body and a source a reader can open,
rests on a primary or recognised source, rows are unique in what they claim, levels are known,
cells are short, and nothing is copied from the seed.
"""

import hashlib
import itertools
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from comparisons.defaults.loader import default_content_files
from comparisons.models import DifferenceLevel
from comparisons.sources import http_url

FILES = default_content_files()


def _seeds() -> Path | None:
    """The seeds the first table was written from: in `shared/seeds` beside the checkout (or
    beside the folder holding it, for a worktree), never in the repository."""
    for folder in Path(__file__).resolve().parents[2:4]:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return None


SEEDS = _seeds()
# The seed is not ours to ship: the repository keeps a fingerprint of its runs of words instead
# (a hash of each), so the overlap check runs on every checkout; where the seed is beside the
# checkout, the fingerprint is checked against it.
SEED_RUNS_FILE = Path(__file__).parent / "data" / "seed_runs.txt"
MIN_WORDS, MAX_WORDS = 15, 60
COPIED_RUN = 8  # words in a row shared with the seed
OFFLINE = "not online"  # what a source's title says when it cannot be linked
# Every domain a cell cites, with its authority class, checked by hand (see the file's "_about").
SOURCE_DOMAINS = json.loads(
    (Path(__file__).parent / "data" / "source_domains.json").read_text(encoding="utf-8")
)
AUTHORITY_CLASSES = {"primary", "recognised", "low"}
# Two rows whose main claims share more than this share of their key terms say the same thing.
SAME_CLAIM = 0.4


def _entries():
    """(file, table, row, segment, cell, sources) for every cell of every default table."""
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for table in data["comparisons"]:
            for row in table["dimensions"]:
                for segment, cell in row["entries"].items():
                    sources = [data.get("sources", {})[key] for key in cell.get("sources", [])]
                    yield path.name, table["slug"], row["slug"], segment, cell, sources


CELLS = list(_entries())
CELL_IDS = [f"{table}/{row}/{segment}" for _, table, row, segment, _, _ in CELLS]


def _comparisons():
    return [
        pytest.param(table, id=f"{path.name}:{table['slug']}")
        for path in FILES
        for table in json.loads(path.read_text(encoding="utf-8"))["comparisons"]
    ]


def words(text: str) -> list[str]:
    """Lower-case words of `text`, Markdown emphasis and punctuation dropped."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?:;])\s+", text) if part.strip()]


def runs(text_words: list[str], length: int = COPIED_RUN) -> set[tuple[str, ...]]:
    return {tuple(text_words[i : i + length]) for i in range(len(text_words) - length + 1)}


def test_there_is_default_content_to_check():
    assert FILES and CELLS


@pytest.mark.parametrize(
    ("file", "comparison", "dimension", "segment", "entry", "sources"), CELLS, ids=CELL_IDS
)
def test_every_cell_has_a_body_and_a_source_a_reader_can_check(
    file, comparison, dimension, segment, entry, sources
):
    assert entry["body"].strip()
    assert sources, "no source"
    for source in sources:
        assert source["title"].strip()
        assert http_url(source.get("url") or "") or OFFLINE in source["title"], source
    assert any(http_url(source.get("url") or "") for source in sources) or all(
        OFFLINE in source["title"] for source in sources
    )


@pytest.mark.parametrize(
    ("file", "comparison", "dimension", "segment", "entry", "sources"), CELLS, ids=CELL_IDS
)
def test_every_cell_says_enough_in_few_words(file, comparison, dimension, segment, entry, sources):
    assert MIN_WORDS <= len(words(entry["body"])) <= MAX_WORDS


@pytest.mark.parametrize("comparison", _comparisons())
def test_no_two_rows_of_a_table_share_a_title_or_slug(comparison):
    rows = comparison["dimensions"]
    for key in ("slug", "title"):
        values = [dimension[key].casefold() for dimension in rows]
        assert len(values) == len(set(values)), key


@pytest.mark.parametrize("comparison", _comparisons())
def test_every_row_has_a_known_difference_level_and_a_cell_per_column(comparison):
    for dimension in comparison["dimensions"]:
        assert dimension.get("difference", DifferenceLevel.DIFFERENT) in DifferenceLevel.values
        assert sorted(dimension["entries"]) == sorted(comparison["segments"]), dimension["slug"]


@pytest.mark.parametrize("comparison", _comparisons())
def test_a_replaced_row_is_not_also_shipped(comparison):
    slugs = {dimension["slug"] for dimension in comparison["dimensions"]}
    for dimension in comparison["dimensions"]:
        assert not slugs & set(dimension.get("replaces", [])), dimension["slug"]


def fingerprint(text_runs: set[tuple[str, ...]]) -> set[str]:
    return {hashlib.sha256(" ".join(run).encode()).hexdigest()[:16] for run in text_runs}


def seed_fingerprint(seeds: Path) -> set[str]:
    seed = set()
    for path in seeds.glob("*.txt"):
        seed |= runs(words(path.read_text(encoding="utf-8")))
    return fingerprint(seed)


def test_no_sentence_shares_a_run_of_eight_words_with_the_seed():
    seed = set(SEED_RUNS_FILE.read_text().split())
    if SEEDS is not None:
        assert seed == seed_fingerprint(SEEDS), "tests/data/seed_runs.txt is out of date"
    copied = [
        (table, row, segment, sentence)
        for _, table, row, segment, cell, _ in CELLS
        for sentence in sentences(cell["body"])
        if fingerprint(runs(words(sentence))) & seed
    ]
    assert copied == []


def test_the_overlap_check_finds_a_copied_run():
    source = runs(
        words("You can speak with a higher percentage of your revenue driving customers.")
    )
    assert runs(words("Speak with a **higher percentage** of your revenue, then.")) & source
    assert not runs(words("Talk to many of the accounts that bring in the revenue.")) & source
    assert fingerprint(runs(words("Speak with a higher percentage of your revenue"))) <= (
        fingerprint(source)
    )


# --- Platform rules change: a cell stating one says when it was checked ------------------------

STORE_DOMAINS = {"developer.apple.com", "support.google.com", "developer.android.com"}
STORE_RULE = re.compile(r"\d+%|storefront|user-choice billing|alternative payment", re.IGNORECASE)
AS_OF = re.compile(
    r"\bas of (January|February|March|April|May|June|July|August|September|October|November"
    r"|December) \d{4}\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    ("file", "comparison", "dimension", "segment", "entry", "sources"), CELLS, ids=CELL_IDS
)
def test_a_cell_stating_a_store_rule_says_as_of_when(
    file, comparison, dimension, segment, entry, sources
):
    cites_a_store = any(domain(source) in STORE_DOMAINS for source in sources)
    if cites_a_store and STORE_RULE.search(entry["body"]):
        assert AS_OF.search(entry["body"]), "say 'as of <month year>'"


# --- Authority of the sources -----------------------------------------------------------------


def domain(source: dict) -> str:
    host = urlparse(source.get("url") or "").hostname
    return host.removeprefix("www.") if host else f"({OFFLINE})"


def authority(source: dict) -> str | None:
    return SOURCE_DOMAINS["domains"].get(domain(source), {}).get("class")


def test_every_domain_in_the_registry_has_a_known_class():
    classes = {entry["class"] for entry in SOURCE_DOMAINS["domains"].values()}
    assert classes <= AUTHORITY_CLASSES


def test_every_cited_domain_is_in_the_registry():
    cited = {domain(source) for *_, sources in CELLS for source in sources}
    assert sorted(cited - set(SOURCE_DOMAINS["domains"])) == []


def test_no_cell_rests_only_on_low_authority_sources():
    """A cell cites at least one primary or recognised source. The cells still waiting to be
    re-sourced are listed by hand in the registry, and the list may only shrink."""
    low_only = {
        f"{table}/{row}/{segment}"
        for _, table, row, segment, _, sources in CELLS
        if not {authority(source) for source in sources} & {"primary", "recognised"}
    }
    waiting = set(SOURCE_DOMAINS["cells_to_resource"])
    assert sorted(low_only - waiting) == [], "cells resting only on low-authority sources"
    assert sorted(waiting - low_only) == [], "re-sourced: delete them from cells_to_resource"


def test_the_authority_check_tells_a_platform_from_a_blog():
    assert authority({"url": "https://developer.apple.com/app-store/review/guidelines/"}) == (
        "primary"
    )
    assert authority({"url": "https://www.hbr.org/2010/07/x"}) == "recognised"
    assert authority({"title": "A post (not online)"}) == "low"


# --- One idea per row ----------------------------------------------------------------------

STOPWORDS = {
    *("a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "for", "from", "has"),
    *("have", "how", "in", "into", "is", "it", "its", "more", "most", "no", "not", "of", "on"),
    *("one", "or", "so", "than", "that", "the", "their", "them", "they", "this", "to", "what"),
    *("when", "where", "which", "who", "with"),
}


def key_terms(row: dict) -> set[str]:
    """The terms of a row's main claim: its title and the phrases its cells put in bold."""
    bold = " ".join(
        phrase
        for cell in row["entries"].values()
        for phrase in re.findall(r"\*\*(.+?)\*\*", cell["body"])
    )
    return {
        re.sub(r"(ing|ers|er|es|s|ed)$", "", word) if len(word) > 5 else word
        for word in words(f"{row['title']} {bold}")
        if word not in STOPWORDS and len(word) > 2
    }


def shared_claim(first: dict, second: dict) -> float:
    a, b = key_terms(first), key_terms(second)
    return len(a & b) / len(a | b) if a | b else 0.0


@pytest.mark.parametrize("comparison", _comparisons())
def test_no_two_rows_of_a_table_make_the_same_main_claim(comparison):
    alike = [
        (first["slug"], second["slug"])
        for first, second in itertools.combinations(comparison["dimensions"], 2)
        if shared_claim(first, second) > SAME_CLAIM
    ]
    assert alike == []


def test_the_same_claim_check_finds_a_repeated_row():
    def row(title, b2b, b2c):
        return {"title": title, "entries": {"b2b": {"body": b2b}, "b2c": {"body": b2c}}}

    coverage = row(
        "Who looks after each customer",
        "A **named customer success manager** for large accounts.",
        "**Automated touchpoints** at scale.",
    )
    reviews = row(
        "Regular reviews with each customer",
        "A **named customer success manager** holds reviews.",
        "Only **automated touchpoints**.",
    )
    billing = row("Billing and payment", "**An invoice**.", "**A stored card**.")
    assert shared_claim(coverage, reviews) > SAME_CLAIM
    assert shared_claim(coverage, billing) <= SAME_CLAIM
