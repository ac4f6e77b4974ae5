from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from comparisons.models import Dimension
from comparisons.suggestions.forms import SuggestionForm, current_entries
from comparisons.suggestions.limits import client_hash, seconds_to_wait
from comparisons.suggestions.models import Suggestion


def _public_dimension(comparison: str, dimension: str) -> Dimension:
    """The public row, or 404: a draft row or a row of a draft table is never revealed."""
    target = (
        Dimension.objects.public()
        .select_related("comparison")
        .filter(comparison__slug=comparison, slug=dimension)
        .first()
    )
    if target is None:
        raise Http404("No such row.")
    return target


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    """The row's cells as they are now, to correct; a sent suggestion goes to its status page."""
    if request.method == "POST":
        # Counted first, before any query: a flood costs the site a cache increment a request.
        wait = seconds_to_wait(request)
        if wait:
            return _too_many(request, wait)
    target = _public_dimension(comparison, dimension)
    entries = current_entries(target)
    form = SuggestionForm(target, entries, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        suggestion = form.save(client_hash(request))
        return HttpResponseRedirect(f"{suggestion.get_absolute_url()}?sent=1")
    context = {"dimension": target, "comparison": target.comparison, "form": form}
    return render(request, "suggestions/suggest.html", context, status=400 if form.errors else 200)


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "suggestions/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The reader's private page: whether the suggestion is open, accepted or declined."""
    suggestion = get_object_or_404(Suggestion.objects.select_related("dimension"), token=token)
    target = Dimension.objects.public().select_related("comparison")
    target = target.filter(pk=suggestion.dimension_id).first()
    context = {"suggestion": suggestion, "dimension": target, "sent": "sent" in request.GET}
    response = render(request, "suggestions/status.html", context)
    # The token is the key to this page: no other site learns it from a link followed.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
