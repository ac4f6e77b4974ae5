"""Every public page type, listed once: the site-wide tests, the browser tests and the benchmark
read this list, so a page added here is covered by all of them.

Each page is a URL template over a few names (`comparison`, `row`, `other_row`, `tag`, `word`)
that each reader of the list fills from its own data: `SAMPLE` for the `make_comparison()` table
of tests/conftest.py, `DEFAULT_CONTENT` for the shipped content (browser tests), the benchmark's
own. `kind` says what a client gets: an HTML page, a file to download, a picture, an Atom
feed, an answer of the JSON API.
"""

from dataclasses import dataclass

HTML, FILE, IMAGE, REDIRECT = "html", "file", "image", "redirect"
FEED, JSON = "feed", "json"


@dataclass(frozen=True)
class PageType:
    name: str
    template: str
    kind: str = HTML
    # The embed, framed by other sites, has neither the site's navigation nor a skip link.
    framable: bool = False
    # Queries beyond those every page may run: feeds read the rows' history too.
    extra_queries: int = 0

    def url(self, names: dict[str, str]) -> str:
        return self.template.format(**names)


PAGE_TYPES = [
    PageType("home", "/"),
    PageType("tables", "/tables/"),
    # The table reads its rows' old slugs too, so that copied `#<old slug>` links still land.
    PageType("table", "/compare/{comparison}/", extra_queries=3),
    PageType(
        "filtered view", "/compare/{comparison}/?only={row},{other_row}&tag={tag}", extra_queries=3
    ),
    PageType("row", "/compare/{comparison}/{row}/"),
    PageType("change log", "/compare/{comparison}/{row}/changes/"),
    PageType("embed", "/embed/{comparison}/", framable=True),
    PageType("tag", "/tags/{tag}/"),
    PageType("tags", "/tags/"),
    PageType("search", "/search/?q={word}"),
    PageType("search start", "/search/"),
    PageType("export md", "/compare/{comparison}/export.md", kind=FILE),
    PageType("export csv", "/compare/{comparison}/export.csv", kind=FILE),
    PageType("export json", "/compare/{comparison}/export.json", kind=FILE),
    PageType("table picture", "/compare/{comparison}/preview.png", kind=IMAGE),
    PageType("row picture", "/compare/{comparison}/{row}/preview.png", kind=IMAGE),
    # A 302 to the filtered view; `make_short_link(names)` makes the link it follows.
    PageType("short link", "/v/{short_link}", kind=REDIRECT),
    # One query more than a row's: the table's deleted rows (their "removed" entries).
    PageType("table feed", "/compare/{comparison}/changes.atom", kind=FEED, extra_queries=4),
    PageType(
        "view feed",
        "/compare/{comparison}/changes.atom?only={row},{other_row}&tag={tag}",
        kind=FEED,
        extra_queries=3,
    ),
    PageType("row feed", "/compare/{comparison}/{row}/changes.atom", kind=FEED, extra_queries=3),
    PageType("api index", "/api/v1/", kind=JSON),
    PageType("api comparisons", "/api/v1/comparisons/", kind=JSON),
    PageType("api table", "/api/v1/comparisons/{comparison}/", kind=JSON),
    PageType(
        "api view", "/api/v1/comparisons/{comparison}/?only={row},{other_row}&tag={tag}", kind=JSON
    ),
    PageType("api row", "/api/v1/comparisons/{comparison}/rows/{row}/", kind=JSON),
    PageType("api search", "/api/v1/search/?q={word}", kind=JSON),
    PageType("api description", "/api/v1/openapi.json", kind=JSON),
]

PAGE_TYPES_BY_NAME = {page.name: page for page in PAGE_TYPES}

# The table `make_comparison()` builds: rows row-1, row-2, … tagged "research".
SAMPLE = {
    "comparison": "b2b-vs-b2c",
    "row": "row-1",
    "other_row": "row-2",
    "tag": "research",
    "word": "answer",
    "short_link": "Sh4redVu23",
}
# The shipped default content, as `make run` loads it.
DEFAULT_CONTENT = {
    "comparison": "product-management-b2b-vs-b2c",
    "row": "go-to-market",
    "other_row": "customers",
    "tag": "research",
    "word": "dogfood",
    "short_link": "Sh4redVu23",
}


def page_types(*kinds: str) -> list[PageType]:
    """The page types of the given kinds (all of them if none is given)."""
    return [page for page in PAGE_TYPES if not kinds or page.kind in kinds]


def urls(names: dict[str, str], *kinds: str) -> dict[str, str]:
    """Page name -> URL, filled in with `names`: for `pytest.mark.parametrize`."""
    return {page.name: page.url(names) for page in page_types(*kinds)}


def make_short_link(names: dict[str, str]):
    """The short link the "short link" page type follows: to the filtered view of `names`."""
    from comparisons.sharing.shortlinks.models import ShortLink, target_digest

    target = PAGE_TYPES_BY_NAME["filtered view"].url(names)
    link, _ = ShortLink.objects.get_or_create(
        code=names["short_link"],
        defaults={"target": target, "target_digest": target_digest(target)},
    )
    return link
