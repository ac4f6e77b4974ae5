"""System checks on kb's own settings (registered by comparisons.apps)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_site_url_is_set(app_configs, **kwargs) -> list[Error]:
    """In production, links must not silently point at this machine: `check --deploy` fails."""
    if settings.SITE_URL_IS_SET:
        return []
    return [
        Error(
            f"SITE_URL is not set: every share link, canonical URL, share card and export "
            f"would point at {settings.SITE_URL}.",
            hint="Set SITE_URL to the site's public address, e.g. https://kb.example.org.",
            id="kb.E001",
        )
    ]


@register()
def check_site_url_is_a_base_url(app_configs, **kwargs) -> list[Error]:
    """Pages write SITE_URL + path, so it must be a bare http(s) origin."""
    parts = urlsplit(settings.SITE_URL)
    bare = not (parts.path.strip("/") or parts.query or parts.fragment)
    if parts.scheme in ("http", "https") and parts.netloc and bare:
        return []
    return [
        Error(
            f"SITE_URL must be a scheme and host, such as https://kb.example.org, "
            f"not {settings.SITE_URL!r}.",
            id="kb.E002",
        )
    ]
