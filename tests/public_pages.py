"""Every public page, rendered for an anonymous reader: what a backup must reproduce.

Used in the test process and, through `manage.py shell`, in a subprocess on another
database (see tests/test_backup_cross_database.py).
"""

import json
import re

from django.test import Client
from django.test.utils import override_settings
from taggit.models import Tag

from comparisons.models import Comparison, Dimension

PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def public_urls() -> list[str]:
    urls = ["/"]
    urls += [c.get_absolute_url() for c in Comparison.objects.published()]
    rows = Dimension.objects.published().filter(comparison__status="published")
    urls += [d.get_absolute_url() for d in rows.select_related("comparison")]
    urls += [f"/tags/{tag.slug}/" for tag in Tag.objects.filter(dimension__in=rows).distinct()]
    return sorted(urls)


@override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"])
def render_public_pages() -> dict[str, str]:
    client = Client()
    pages = {}
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        # The pinned-embed snippet names the second the page was rendered: not content.
        pages[url] = re.sub(r"version=\d+", "version=N", response.content.decode())
    return pages


def dump_public_pages(path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(render_public_pages(), out)
