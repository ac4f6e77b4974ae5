"""Guards over the app code itself: public Django API only, no block written twice, one
vocabulary (the models' words), and the layers."""

import ast
import re
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ("comparisons", "kb")

# Private Django/ORM API, as found in the code before (comparisons/stored_rows.py and
# comparisons/generations.py, which the read-path rewrite removes): compiled SQL with its
# placeholders, field converters rebuilt by hand, state kept on the connection, a model's
# `_state` set by hand, querysets' and instances' private caches.
PRIVATE_API = {
    "compiled SQL of a queryset": (
        r"\.query\.(sql_with_params|get_compiler|as_sql)\b|\bstr\(\w+\.query\)"
    ),
    "the compiler's converters": r"\bget_db_converters\b|\.get_col\(",
    "state on the connection object": r"\bconnection\.__dict__|\bsetattr\(connection\b",
    "a model's _state set by hand": r"\._state\.\w+\s*=[^=]",
    "private queryset caches": (
        r"\._result_cache\b|\._prefetched_objects_cache\b|\._known_related_objects\b"
    ),
    "private model save internals": r"\._do_(update|insert)\b|\._save_table\b|\._meta\._\w+",
}


def app_files():
    for package in APP_CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_app_code_uses_no_private_django_api():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}"
        for path in app_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for what, pattern in PRIVATE_API.items()
        if re.search(pattern, line)
    ]
    assert found == []


WINDOW = 6  # lines


def code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines that say something, white space folded: no blanks, comments, docstring
    fences, imports (a long import list is no logic written twice) or lone brackets."""
    kept, in_import = [], False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = " ".join(line.split())
        if in_import:
            in_import = not text.startswith(")")
            continue
        if text.startswith(("import ", "from ")):
            in_import = text.endswith("(")
            continue
        if not text or text.startswith("#") or re.fullmatch(r'[\]\)\}\[\(\{,:;"]*', text):
            continue
        kept.append((number, text))
    return kept


def test_no_block_of_six_lines_is_written_twice():
    places = defaultdict(list)
    for path in app_files():
        lines = code_lines(path)
        for start in range(len(lines) - WINDOW + 1):
            window = tuple(text for _, text in lines[start : start + WINDOW])
            places[window].append(f"{path.relative_to(ROOT)}:{lines[start][0]}")
    repeated = {places[0]: places for places in places.values() if len(places) > 1}
    assert repeated == {}


def _pins(requirements) -> list[tuple[str, str]]:
    """(normalised name, version) of each `name[extras]==version` line."""
    pins = []
    for line in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==(\S+)", line.strip())
        assert match, f"not pinned exactly: {line!r}"
        pins.append((re.sub(r"[-_.]+", "-", match[1]).lower(), match[3]))
    return pins


def test_each_package_is_pinned_once_and_as_constraints_txt_pins_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    installed = _pins(line for line in lines if line.strip() and not line.startswith("#"))
    for pins in (wanted, installed):
        names = [name for name, _ in pins]
        assert sorted({n for n in names if names.count(n) > 1}) == []
    assert dict(wanted).items() <= dict(installed).items()


def test_the_share_pictures_font_is_vendored_with_its_licence():
    fonts = ROOT / "static" / "fonts"
    assert {"Roboto-Regular.ttf", "Roboto-Bold.ttf", "LICENSE.txt"} <= {
        path.name for path in fonts.iterdir()
    }
    assert "Apache License" in (fonts / "LICENSE.txt").read_text()


# The layers (README, "Development"): the project package imports no app, and no domain app
# inside comparisons/ imports the pages that tie them together.
IMPORT = re.compile(r"^\s*(?:from|import)\s+(comparisons[\w.]*)", re.M)
PAGES = ("comparisons.views", "comparisons.urls", "comparisons.admin")
DOMAIN_APPS = ("history", "search", "api", "transfer", "sharing", "suggestions", "defaults")


def imports_of(path: Path) -> set[str]:
    return set(IMPORT.findall(path.read_text()))


def test_the_project_package_imports_no_app():
    found = {
        str(path.relative_to(ROOT)): imports_of(path)
        for path in sorted((ROOT / "kb").rglob("*.py"))
        if imports_of(path)
    }
    assert found == {}


def test_domain_apps_never_import_the_pages():
    found = [
        f"{path.relative_to(ROOT)}: {module}"
        for app in DOMAIN_APPS
        for path in sorted((ROOT / "comparisons" / app).rglob("*.py"))
        for module in imports_of(path)
        if module.startswith(PAGES)
    ]
    assert found == []


# One vocabulary (docs/development.md, "One name per idea"): code says comparison, dimension,
# segment and entry, the models' words; table, row, column and cell are the pages' words.
READERS_WORDS = {"table", "tables", "row", "rows", "column", "columns", "cell", "cells"}
# Names that keep a reader's word on purpose, each for a reason outside the code:
ALLOWED_NAMES = {
    # Django's own words for the database: `Meta.db_table`, a field's `db_column`.
    "*": {"db_table", "db_column"},
    # The API's OpenAPI component and JSON field names: public, as the URLs are.
    "comparisons/api/schemas.py": {
        "Cell",
        "Row",
        "Table",
        "RowDocument",
        "SearchRow",
        "row",
        "rows",
    },
    # A model's name is its database table's (comparisons_tablegeneration) and its migrations'.
    "comparisons/models.py": {"TableGeneration"},
    # A model field is its database column (suggestions_suggestion.cells).
    "comparisons/suggestions/models.py": {"cells"},
    # Settings read from environment variables of the same name, which deployments set.
    "kb/settings.py": {"IMPORT_MAX_CELL_BYTES", "FLAGSHIP_TABLE"},
}


def name_parts(name: str) -> set[str]:
    """`load_row` -> {load, row}; `FilteredTable` -> {filtered, table}; `ROW_FIELDS` too."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return {word.lower() for word in words}


def defined_names(tree: ast.AST):
    """(line, name) of every function, class, argument and assigned name (imports are
    other modules' names)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.lineno, node.name
        elif isinstance(node, ast.arg):
            yield node.lineno, node.arg
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.attr
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.lineno, node.name


def readers_words_in_names(path: Path) -> list[str]:
    where = str(path.relative_to(ROOT))
    allowed = ALLOWED_NAMES["*"] | ALLOWED_NAMES.get(where, set())
    found = [where] if name_parts(path.stem) & READERS_WORDS else []
    found += [
        f"{where}:{line}: {name}"
        for line, name in defined_names(ast.parse(path.read_text()))
        if name_parts(name) & READERS_WORDS and name not in allowed
    ]
    return found


def test_code_names_things_in_the_models_words():
    found = [place for path in app_files() for place in readers_words_in_names(path)]
    assert found == []


def test_the_vocabulary_guard_catches_a_readers_word():
    code = "def load_row(table):\n    for cell in table: pass\nclass FilteredTable: ..."
    found = [name for _, name in defined_names(ast.parse(code)) if name_parts(name) & READERS_WORDS]
    assert found == ["load_row", "FilteredTable", "table", "cell"]
    assert name_parts("ROW_FIELDS") == name_parts("RowFields") == {"row", "fields"}
