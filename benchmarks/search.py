"""Search latency: p50/p95 of `/search/` (the view, rendering included) and of `search()`.

Fill a database first, then run (nothing is written); on SQLite, set
DATABASE_URL=sqlite:////tmp/kb_bench.sqlite3 instead:

    createdb kb_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_bench DEBUG=1
    python manage.py migrate && python manage.py load_default_content
    python manage.py make_synthetic_content --comparisons 1000 --dimensions 50
    python manage.py shell < benchmarks/search.py
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from comparisons.models import Dimension, Entry
from comparisons.search.queries import search
from comparisons.views import search_page

QUERIES = [
    "dogfood",
    "sales team",
    '"user testing"',
    "feedback -B2B",
    "customer",
    "renewal churn",
    '"pricing strategy"',
    "roadmap -enterprise",
    "zeppelin",
    "procurement licence seat",
]
ROUNDS = 10


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(label, action):
    """Wall-clock p50/p95, and this process's CPU time (a fairer figure on a busy machine,
    where waiting for a core counts in wall time; on SQLite it includes the database's work)."""
    timings, cpu = [], []
    for _ in range(ROUNDS):
        for query in QUERIES:
            started, started_cpu = time.perf_counter(), time.process_time()
            action(query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"{label}: n={len(timings)} p50={statistics.median(timings):.1f} ms "
        f"p95={percentile(timings, 0.95):.1f} ms max={max(timings):.1f} ms; "
        f"CPU p50={statistics.median(cpu):.1f} ms p95={percentile(cpu, 0.95):.1f} ms"
    )


def page(query, number="1"):
    request = RequestFactory().get("/search/", {"q": query, "page": number})
    request.user = AnonymousUser()
    return search_page(request)


print(f"{connection.vendor}: {Dimension.objects.count()} rows, {Entry.objects.count()} entries")
for query in QUERIES:
    with CaptureQueriesContext(connection) as queries:
        results = search(query, AnonymousUser(), 1)
    print(f"  {query!r}: {results.page.paginator.count} rows, {len(queries)} queries")
search("warm up", AnonymousUser(), 1)
measure("search() page 1", lambda q: list(search(q, AnonymousUser(), 1).page.object_list))
measure("search() page 3", lambda q: list(search(q, AnonymousUser(), 3).page.object_list))
measure("/search/ view page 1", lambda q: page(q).content)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM comparisons_dimension "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'renewal churn')"
        )
        print("\n".join(row[0] for row in cursor.fetchall()))
else:
    print(search("renewal churn", AnonymousUser(), 1).page.paginator.object_list.explain())
