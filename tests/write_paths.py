"""Every way content is written, each done once as an editor, an operator or a command does it:
the one list of write paths. tests/test_changesets.py runs each and checks its changeset;
tests/test_write_path.py checks what readers see after it (cached pages, search, old
addresses). A new write path is added here, and both run it.

Each path starts from `make_comparison()` ("b2b-vs-b2c", rows row-1 and row-2, tagged
"research"), does its write with `client` (an editor's) and says what it wrote."""

from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from taggit.models import Tag

from comparisons.history import writes
from comparisons.history.versions import dimension_revisions
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from comparisons.suggestions.models import Suggestion
from comparisons.transfer.backup import delete_everything
from comparisons.transfer.resources import DimensionResource
from tests import suggestions
from tests.admin_forms import change_url, opened_dimension_form
from tests.admin_import import confirm, preview

ROWS_URL = "/admin/comparisons/dimension/"

Touched = set[tuple[str, int]]  # (model name, id)


@dataclass
class Written:
    """What a write path wrote, and what must follow from it."""

    reason: str  # its changeset's reason code
    touched: Touched  # every object it wrote: its changeset records these and no other
    by_editor: bool = True  # False for the shell and commands: the changeset is no one's
    word: str | None = None  # search finds it in a row written
    unfound: str | None = None  # search finds no row written by it (deleted rows, a lost tag)
    old_urls: list[str] = field(default_factory=list)  # redirect (permanently) after it
    setup_changesets: int = 0  # made first by its own set-up (an edit, a deletion)
    # A backup's restore records nothing in its own changeset: every object comes back with
    # its versions in the backup's changesets (tests/test_changesets.py).
    history_kept: bool = False


def _row(slug="row-1") -> Dimension:
    return Dimension.objects.get(comparison__slug="b2b-vs-b2c", slug=slug)


def _with_cells(*rows: Dimension) -> Touched:
    cells = Entry.objects.filter(dimension__in=rows).values_list("pk", flat=True)
    return {("Dimension", row.pk) for row in rows} | {("Entry", pk) for pk in cells}


def _all_rows() -> Touched:
    return {("Dimension", pk) for pk in Dimension.objects.values_list("pk", flat=True)}


def admin_add_segment(client: Client) -> Written:
    client.post(
        "/admin/comparisons/segment/add/",
        {"name": "B2G", "slug": "b2g", "description": "", "position": 3},
    )
    return Written("create", {("Segment", Segment.objects.get(slug="b2g").pk)})


def admin_add_comparison(client: Client) -> Written:
    client.post(
        "/admin/comparisons/comparison/add/",
        {
            "title": "New table",
            "slug": "new-table",
            "topic": "",
            "summary": "",
            "status": "draft",
            "comparisonsegment_set-TOTAL_FORMS": 1,
            "comparisonsegment_set-INITIAL_FORMS": 0,
            "comparisonsegment_set-0-segment": Segment.objects.get(slug="b2b").pk,
            "comparisonsegment_set-0-position": 1,
        },
    )
    table = Comparison.objects.get(slug="new-table")
    column = ComparisonSegment.objects.get(comparison=table)
    return Written("create", {("Comparison", table.pk), ("ComparisonSegment", column.pk)})


def admin_form(client: Client) -> Written:
    """The row's own fields: a new slug and question."""
    row = _row()
    client.post(
        change_url(row), opened_dimension_form(row, slug="renamed", question="Why zebrafinch?")
    )
    return Written(
        "edit", {("Dimension", row.pk)}, word="zebrafinch", old_urls=["/compare/b2b-vs-b2c/row-1/"]
    )


def admin_form_with_a_cell(client: Client) -> Written:
    """The row's title and one of its cells (an inline of the row's form), in one save."""
    row = _row()
    client.post(
        change_url(row), opened_dimension_form(row, title="Renamed", b2b_body="A quokkaword cell.")
    )
    cell = row.entries.get(segment__slug="b2b")
    return Written("edit", {("Dimension", row.pk), ("Entry", cell.pk)}, word="quokkaword")


def admin_save_and_publish(client: Client) -> Written:
    row = _row()
    # A draft readers cannot find yet (set up outside the changesets counted).
    Dimension.objects.filter(pk=row.pk).update(status=Status.DRAFT)
    client.post(change_url(row), opened_dimension_form(row, status="draft", _publish="1"))
    assert _row().status == Status.PUBLISHED
    return Written("publish", {("Dimension", row.pk)}, word="answer")


def admin_publish_action(client: Client) -> Written:
    row = _row("row-2")
    Dimension.objects.filter(pk=row.pk).update(status=Status.DRAFT)
    client.post(ROWS_URL, {"action": "publish", "_selected_action": [row.pk]})
    assert _row("row-2").status == Status.PUBLISHED
    return Written("publish", {("Dimension", row.pk)}, word="answer")


def admin_list_edit(client: Client) -> Written:
    row = _row()
    client.post(
        ROWS_URL,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": row.pk,
            "form-0-position": 7,
            "form-0-difference": "opposite",
            "form-0-version": row.version,
            "_save": "Save",
        },
    )
    assert _row().position == 7
    return Written("edit", {("Dimension", row.pk)})


def admin_delete_row(client: Client) -> Written:
    row = _row()
    touched = _with_cells(row)
    client.post(f"{ROWS_URL}{row.pk}/delete/", {"post": "yes"})
    return Written("delete", touched, unfound="answer")


def admin_delete_selected_rows(client: Client) -> Written:
    rows = [_row("row-1"), _row("row-2")]
    touched = _with_cells(*rows)
    client.post(
        ROWS_URL,
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    return Written("delete", touched, unfound="answer")


def admin_delete_table(client: Client) -> Written:
    table = Comparison.objects.get(slug="b2b-vs-b2c")
    columns = ComparisonSegment.objects.filter(comparison=table).values_list("pk", flat=True)
    touched = {("Comparison", table.pk), *(("ComparisonSegment", pk) for pk in columns)}
    touched |= _with_cells(*table.dimensions.all())
    client.post(f"/admin/comparisons/comparison/{table.pk}/delete/", {"post": "yes"})
    return Written("delete", touched, unfound="answer")


def admin_tag_rename(client: Client) -> Written:
    tag = Tag.objects.get(name="research")
    client.post(f"/admin/taggit/tag/{tag.pk}/change/", {"name": "studies", "slug": "studies"})
    return Written("tag_rename", _all_rows(), word="studies", unfound="research")


def admin_tag_delete(client: Client) -> Written:
    tag = Tag.objects.get(name="research")
    client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"})
    return Written("tag_delete", _all_rows(), unfound="research")


def admin_tag_merge(client: Client) -> Written:
    tag = Tag.objects.get(name="research")
    _row("row-2").tags.add("studies")  # set up outside the changesets counted
    client.post(f"/admin/taggit/tag/merge/?ids={tag.pk}", {"new_tag_name": "studies"})
    return Written("tag_merge", _all_rows(), word="studies", unfound="research")


def restore(client: Client) -> Written:
    """An earlier version of a row restored from its history (after an edit of its own)."""
    row = _row()
    client.post(change_url(row), opened_dimension_form(row, slug="moved", b2b_body="Later text"))
    first = dimension_revisions(row.pk)[-1]
    client.post(f"{ROWS_URL}{row.pk}/history/{first.key}/restore/")
    assert _row("row-1").entries.count() == 2
    return Written(
        "restore",
        _with_cells(row),
        word="answer",
        old_urls=["/compare/b2b-vs-b2c/moved/"],
        setup_changesets=1,
    )


def trash_restore(client: Client) -> Written:
    """A deleted row brought back from the Trash (after its deletion)."""
    row = _row()
    client.post(f"{ROWS_URL}{row.pk}/delete/", {"post": "yes"})
    html = client.get(f"{ROWS_URL}trash/").content.decode()
    action = html.split("Rows:", 1)[1].split('action="', 1)[1].split('"', 1)[0]
    client.post(action)
    return Written("trash_restore", _with_cells(row), word="answer", setup_changesets=1)


def suggestion_accepted(client: Client) -> Written:
    """A reader's suggestion, accepted by the editor."""
    assert suggestions.send(Client(), b2c_body="A reader's dugongword answer.").status_code == 302
    suggestion = Suggestion.objects.get()
    client.post(f"/admin/suggestions/suggestion/{suggestion.pk}/change/", {"_accept": "1"})
    row = _row()
    cell = row.entries.get(segment__slug="b2c")
    return Written("suggestion", {("Dimension", row.pk), ("Entry", cell.pk)}, word="dugongword")


def import_confirm(client: Client) -> Written:
    row = _row()
    line = DimensionResource().export(queryset=Dimension.objects.filter(pk=row.pk)).dict[0]
    line["b2c_body"] = "Imported wombatword text."
    confirm(client, preview(client, [line]))
    cell = row.entries.get(segment__slug="b2c")
    return Written("import", {("Dimension", row.pk), ("Entry", cell.pk)}, word="wombatword")


def shell_save(client: Client) -> Written:
    row = _row()
    row.slug = "from-the-shell"
    row.common_ground = "Both sides: narwhalword."
    writes.save(None, row)
    return Written(
        "edit",
        {("Dimension", row.pk)},
        by_editor=False,
        word="narwhalword",
        old_urls=["/compare/b2b-vs-b2c/row-1/"],
    )


def shell_entry_save(client: Client) -> Written:
    entry = _row().entries.get(segment__slug="b2c")
    entry.body = "An axolotlword answer."
    writes.save(None, entry)
    return Written("edit", {("Entry", entry.pk)}, by_editor=False, word="axolotlword")


def _everything_but(slugs: list[str]) -> Touched:
    """Every table but those of `slugs`, with its columns, rows and cells."""
    touched = set()
    for table in Comparison.objects.exclude(slug__in=slugs):
        touched.add(("Comparison", table.pk))
        touched |= {("ComparisonSegment", c.pk) for c in table.comparisonsegment_set.all()}
        touched |= _with_cells(*table.dimensions.all())
    return touched


def load_default_content(client: Client) -> Written:
    segments = set(Segment.objects.values_list("pk", flat=True))
    call_command("load_default_content", stdout=StringIO())
    touched = _everything_but(["b2b-vs-b2c"])
    new_segments = Segment.objects.exclude(pk__in=segments).values_list("pk", flat=True)
    touched |= {("Segment", pk) for pk in new_segments}
    return Written("load", touched, by_editor=False, word="dogfood")


def make_synthetic_content(client: Client) -> Written:
    call_command(
        "make_synthetic_content", "--comparisons", "2", "--dimensions", "3", stdout=StringIO()
    )
    touched = _everything_but(["b2b-vs-b2c"])
    word = Dimension.objects.filter(comparison__slug__startswith="synthetic-").first().title
    return Written("load", touched, by_editor=False, word=word.split()[0].lower())


def import_kb(client: Client, tmp_path: Path) -> Written:
    """A backup restored over the site (`export_kb`, then `import_kb` on an empty one)."""
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    return Written("backup", _everything_but([]), by_editor=False, word="answer", history_kept=True)


WRITE_PATHS = [
    admin_add_segment,
    admin_add_comparison,
    admin_form,
    admin_form_with_a_cell,
    admin_save_and_publish,
    admin_publish_action,
    admin_list_edit,
    admin_delete_row,
    admin_delete_selected_rows,
    admin_delete_table,
    admin_tag_rename,
    admin_tag_delete,
    admin_tag_merge,
    restore,
    trash_restore,
    suggestion_accepted,
    import_confirm,
    shell_save,
    shell_entry_save,
    load_default_content,
    make_synthetic_content,
    import_kb,
]

# Paths that write nothing a search shows (a column, a draft table, positions).
UNSEARCHED = [admin_add_segment, admin_add_comparison, admin_list_edit]
# Paths that change a slug: the old address must redirect.
RENAMES = [admin_form, restore, shell_save]


def run(path, client: Client, tmp_path: Path) -> Written:
    return path(client, tmp_path) if path is import_kb else path(client)
