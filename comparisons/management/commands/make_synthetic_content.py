"""Benchmark data from the command line; the generator lives with the benchmarks
(benchmarks/synthetic.py), so run it from the checkout."""

from django.core.management.base import BaseCommand

from benchmarks.synthetic import make_synthetic_content, update_planner_statistics


class Command(BaseCommand):
    help = "Add synthetic published comparisons for benchmarks (bulk inserts, seeded text)."

    def add_arguments(self, parser):
        parser.add_argument("--comparisons", type=int, default=1000)
        parser.add_argument("--dimensions", type=int, default=50, help="rows per comparison")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, comparisons, dimensions, seed, **options):
        entries = make_synthetic_content(comparisons, dimensions, seed)
        update_planner_statistics()
        self.stdout.write(
            f"Added {comparisons} tables, {comparisons * dimensions} rows, {entries} cells."
        )
