"""gzip for public pages (`make serve` has no proxy to compress them).

Against BREACH, only what holds no secret is compressed: pages marked public by
comparisons/caching.py (anonymous readers, no cookie set), never the admin or a page that
wrote a CSRF token.
"""

from django.middleware.gzip import GZipMiddleware


class PublicPagesGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        public = getattr(response, "is_public_page", False)
        if not public or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
            return response
        return super().process_response(request, response)
