"""Search result snippets: where a row matched, labelled, cut at word boundaries with "…".

A row is searched on its title, question, tags, common ground and cells. A result shows the
title with the matched words marked, then up to `MAX_SNIPPETS` excerpts, each labelled with
where it comes from ("Question", "Common ground", or the cell's segment, "B2B"), and the tags
the row matched by, if any. Cut in Python from the page's rows on every database; `wanted` is
the set of words (lower-cased) the database itself marked as matching (search/queries.py).

Content is escaped; only our own <mark> and labels are HTML.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from comparisons.markdown import plain_text
from comparisons.models import Dimension

MAX_SNIPPETS = 2
WORDS_BEFORE = 8  # context shown before the first matched word
WORDS_SHOWN = 28
SENTENCE_END = re.compile(r"[.!?:;]")  # between two words: a sentence or clause ends
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Snippet:
    label: str
    text: SafeString


def highlight(text: str, wanted: frozenset[str]) -> SafeString:
    """`text` escaped, with every wanted word in <mark>."""
    return _marked(text, list(WORD.finditer(text)), wanted)


def snippets(dimension: Dimension, wanted: frozenset[str]) -> list[Snippet]:
    """Labelled excerpts around the first match in each field that matched, best fields first.

    Needs the row's entries (with their segments) prefetched; runs no query.
    """
    entries = sorted(dimension.entries.all(), key=lambda entry: entry.segment.position)
    fields = [("Question", dimension.question), ("Common ground", dimension.common_ground)]
    fields += [(entry.segment.name, entry.body) for entry in entries]
    found = []
    for label, text in fields:
        excerpt = _excerpt(plain_text(text), wanted)
        if excerpt:
            found.append(Snippet(label, excerpt))
    return found[:MAX_SNIPPETS]


def matched_tags(dimension: Dimension, wanted: frozenset[str]) -> list[str]:
    """Names of the row's tags that hold a searched word. Tags must be prefetched."""
    return [
        tag.name
        for tag in dimension.tags.all()
        if any(word.lower() in wanted for word in WORD.findall(tag.name))
    ]


def _excerpt(text: str, wanted: frozenset[str]) -> SafeString | None:
    """About `WORDS_SHOWN` words around the first match, from a sentence start if one is near."""
    words = list(WORD.finditer(text))
    first = next((i for i, word in enumerate(words) if word[0].lower() in wanted), None)
    if first is None:
        return None
    start = max(0, first - WORDS_BEFORE)
    for i in range(first, start, -1):  # begin the sentence the match is in, if it is near
        if SENTENCE_END.search(text[words[i - 1].end() : words[i].start()]):
            start = i
            break
    end = min(len(words), start + WORDS_SHOWN)
    shown = words[start:end]
    begin = shown[0].start()
    finish = shown[-1].end()
    while finish < len(text) and not text[finish].isspace():  # keep the closing punctuation
        finish += 1
    before = "… " if text[:begin].strip() else ""
    after = " …" if text[finish:].strip() else ""
    middle = _marked(text[begin:finish], list(WORD.finditer(text[begin:finish])), wanted)
    return format_html("{}{}{}", before, middle, after)


def _marked(text: str, words: list[re.Match], wanted: frozenset[str]) -> SafeString:
    parts, position = [], 0
    for word in words:
        if word[0].lower() in wanted:
            parts.append(escape(text[position : word.start()]))
            parts.append(format_html("<mark>{}</mark>", word[0]))
            position = word.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))
