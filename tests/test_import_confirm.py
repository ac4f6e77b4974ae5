"""The confirm step carries a signed, single-use reference to the uploaded file (issue 28,
finding 4): a forged, unknown or already used one says so, never a 500, and writes nothing."""

import pytest
from django.core import signing

from comparisons.models import Dimension
from comparisons.transfer.admin_import import SALT
from tests.admin_import import confirm, preview

pytestmark = pytest.mark.django_db

ALREADY = "This file was already imported"


def _new_line(slug="imported"):
    return {
        "comparison": "b2b-vs-b2c",
        "slug": slug,
        "title": "Imported",
        "b2b_body": "Text",
    }


def _message(client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_a_second_confirm_of_one_preview_imports_nothing_more_and_says_so(
    editor_client, comparison
):
    form = preview(editor_client, [_new_line()])
    assert confirm(editor_client, form).status_code == 302
    Dimension.objects.filter(slug="imported").update(title="Edited since")

    replay = confirm(editor_client, form)
    assert ALREADY in _message(editor_client, replay)
    assert Dimension.objects.get(slug="imported").title == "Edited since"


def test_a_forged_reference_is_refused(editor_client, comparison):
    form = preview(editor_client, [_new_line()])
    forged = confirm(editor_client, {**form, "reference": form["reference"] + "x"})
    assert ALREADY in _message(editor_client, forged)
    assert not Dimension.objects.filter(slug="imported").exists()


def test_the_file_is_the_signed_one_whatever_the_form_names(editor_client, comparison):
    form = preview(editor_client, [_new_line("first")])
    other = preview(editor_client, [_new_line("second")])
    confirm(editor_client, {**form, "import_file_name": other["import_file_name"]})
    assert Dimension.objects.filter(slug="first").exists()
    assert not Dimension.objects.filter(slug="second").exists()


def test_a_signed_reference_to_a_file_that_is_not_there_is_refused(editor_client, comparison):
    form = preview(editor_client, [_new_line()])
    reference = signing.dumps({"file": "no-such-file", "states": {}}, salt=SALT)
    answer = confirm(editor_client, {**form, "reference": reference})
    assert ALREADY in _message(editor_client, answer)
