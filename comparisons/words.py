"""Words as PostgreSQL's `english` text search configuration sees them, for the Python side.

The same Snowball stemmer (`english_stem`) and the same stop-word list
(`tsearch_data/english.stop`), so search on SQLite and the snippets on every database
match the words PostgreSQL matches: "dogfooding" meets "dogfood", "customers" "customer".
"""

import re
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+")

# PostgreSQL's english.stop (the Snowball English stop list): words the `english` config drops.
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

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower())


def stems(text: str) -> list[str]:
    """Every word's stem, stop words included (phrases need the positions)."""
    return [stem(word) for word in WORD.findall(text)]
