"""gzip for public pages (`make serve` has no proxy to compress them).

Against BREACH, only what holds no secret is compressed: pages marked public by
comparisons/caching.py (anonymous readers, no cookie set), never the admin or a page that
wrote a CSRF token.
"""

from django.middleware.gzip import GZipMiddleware


class PublicPagesGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        # Public pages never hold a CSRF token (comparisons/caching.py, `is_shareable`).
        if not getattr(response, "is_public_page", False) or response.cookies:
            return response
        return super().process_response(request, response)
