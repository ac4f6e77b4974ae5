import pytest

from comparisons.markdown import render_markdown

DANGEROUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p onclick="alert(1)">hi</p>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"></svg>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_markup_renders_inert(text):
    html = render_markdown(text).lower()
    for marker in ("<script", "onerror", "onclick", "onload", "javascript:", "data:", "<iframe",
                   "<svg", "style="):  # fmt: skip
        assert marker not in html


def test_markdown_formatting_survives():
    html = render_markdown("**bold** and *em*\n\n- one\n- two\n\n[link](https://example.com)")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_is_escaped():
    assert "&lt;b&gt;" in render_markdown("`<b>`")
