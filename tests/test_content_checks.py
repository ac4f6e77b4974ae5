"""Checks that keep the default content honest, over every file in comparisons/default_content/
(so a table added there is checked too): every cell has a body and a source a reader can open,
rows are unique, levels are known, cells are short, and nothing is copied from the seed.
"""

import hashlib
import json
import re
from pathlib import Path

import pytest

from comparisons.content import default_content_files
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


def _cells():
    """(file, table, row, segment, cell, sources) for every cell of every default table."""
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for table in data["comparisons"]:
            for row in table["dimensions"]:
                for segment, cell in row["entries"].items():
                    sources = [data.get("sources", {})[key] for key in cell.get("sources", [])]
                    yield path.name, table["slug"], row["slug"], segment, cell, sources


CELLS = list(_cells())
CELL_IDS = [f"{table}/{row}/{segment}" for _, table, row, segment, _, _ in CELLS]


def _tables():
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
    ("file", "table", "row", "segment", "cell", "sources"), CELLS, ids=CELL_IDS
)
def test_every_cell_has_a_body_and_a_source_a_reader_can_check(
    file, table, row, segment, cell, sources
):
    assert cell["body"].strip()
    assert sources, "no source"
    for source in sources:
        assert source["title"].strip()
        assert http_url(source.get("url") or "") or OFFLINE in source["title"], source
    assert any(http_url(source.get("url") or "") for source in sources) or all(
        OFFLINE in source["title"] for source in sources
    )


@pytest.mark.parametrize(
    ("file", "table", "row", "segment", "cell", "sources"), CELLS, ids=CELL_IDS
)
def test_every_cell_says_enough_in_few_words(file, table, row, segment, cell, sources):
    assert MIN_WORDS <= len(words(cell["body"])) <= MAX_WORDS


@pytest.mark.parametrize("table", _tables())
def test_no_two_rows_of_a_table_share_a_title_or_slug(table):
    rows = table["dimensions"]
    for key in ("slug", "title"):
        values = [row[key].casefold() for row in rows]
        assert len(values) == len(set(values)), key


@pytest.mark.parametrize("table", _tables())
def test_every_row_has_a_known_difference_level_and_a_cell_per_column(table):
    for row in table["dimensions"]:
        assert row.get("difference", DifferenceLevel.DIFFERENT) in DifferenceLevel.values
        assert sorted(row["entries"]) == sorted(table["segments"]), row["slug"]


@pytest.mark.parametrize("table", _tables())
def test_a_replaced_row_is_not_also_shipped(table):
    slugs = {row["slug"] for row in table["dimensions"]}
    for row in table["dimensions"]:
        assert not slugs & set(row.get("replaces", [])), row["slug"]


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
