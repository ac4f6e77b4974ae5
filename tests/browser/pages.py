"""Every public page type, one URL each: the browser tests visit them all.

When a new public page is added, add its URL here: the responsive and accessibility tests
then cover it in both colour schemes.
"""

COMPARISON = "/compare/product-management-b2b-vs-b2c/"

PUBLIC_PAGES = {
    "home": "/",
    "comparison": COMPARISON,
    "filtered-view": COMPARISON + "?only=customers,go-to-market&tag=sales",
    "row": COMPARISON + "go-to-market/",
    "tag": "/tags/research/",
    "embed": "/embed/product-management-b2b-vs-b2c/",
    "tags": "/tags/",
    "search": "/search/?q=dogfood",
    "search-start": "/search/",
    "change-log": COMPARISON + "go-to-market/changes/",
}
