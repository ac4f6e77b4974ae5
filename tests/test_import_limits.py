"""Imports within limits: a file over IMPORT_MAX_BYTES or IMPORT_MAX_LINES gets a clear form
error and nothing of it is written."""

import io
import json
import zipfile

import pytest

from comparisons.models import Dimension
from comparisons.transfer.resources import DimensionResource
from tests.admin_import import upload, upload_file
from tests.test_deploy_check import run_manage

pytestmark = pytest.mark.django_db


def _new_lines(count: int) -> list[dict]:
    [row] = json.loads(DimensionResource().export().export("json"))[:1]
    return [{**row, "slug": f"new-{n}", "title": f"New {n}"} for n in range(count)]


def _form_error(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert 'name="import_file_name"' not in html  # no preview, nothing to confirm
    return html


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    editor_client, comparison, settings
):
    settings.IMPORT_MAX_BYTES = 2048
    data = json.dumps(_new_lines(40)).encode()
    assert len(data) > 2048
    html = _form_error(upload_file(editor_client, data, "json"))
    assert "at most 2.0\xa0KB can be imported at once. Split it into smaller files." in html
    assert not Dimension.objects.filter(slug__startswith="new-").exists()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_file_over_the_line_limit_is_refused(editor_client, comparison, settings, fmt):
    settings.IMPORT_MAX_LINES = 3
    data = DimensionResource().export().load(json.dumps(_new_lines(4)), format="json")
    content = data.export(fmt)
    html = _form_error(upload_file(editor_client, _bytes(content), fmt))
    assert "The file has 4 lines; at most 3 can be imported at once." in html
    assert not Dimension.objects.filter(slug__startswith="new-").exists()


def test_a_file_at_the_line_limit_is_imported(editor_client, comparison, settings):
    settings.IMPORT_MAX_LINES = 3
    response = upload(editor_client, _new_lines(3))
    assert 'name="import_file_name"' in response.content.decode()


def test_an_xlsx_file_counts_its_unpacked_size(editor_client, comparison, settings):
    settings.IMPORT_MAX_BYTES = 20_000
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", " " * 1_000_000)
    assert len(packed.getvalue()) < 20_000
    html = _form_error(upload_file(editor_client, packed.getvalue(), "xlsx"))
    assert "The file, unpacked, is 976.6\xa0KB; at most 19.5\xa0KB" in html


def _bytes(content) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


def test_the_limits_are_read_from_the_environment():
    code = "from django.conf import settings as s; print(s.IMPORT_MAX_BYTES, s.IMPORT_MAX_LINES)"
    result = run_manage(
        "shell", "-v", "0", "-c", code, IMPORT_MAX_BYTES="4096", IMPORT_MAX_LINES="9"
    )
    assert result.stdout.split() == ["4096", "9"], result.stderr
