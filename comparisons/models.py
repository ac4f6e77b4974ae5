from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from comparisons.sources import validate_sources
from comparisons.versioning import Versioned


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class DifferenceLevel(models.TextChoices):
    """How far apart the segments are on a row, from least to most different."""

    SAME = "same", "Same"
    SIMILAR = "similar", "Similar"
    DIFFERENT = "different", "Different"
    OPPOSITE = "opposite", "Opposite"

    @classmethod
    def rank(cls, value: str) -> int:
        """The level's place in the order: same < similar < different < opposite."""
        return cls.values.index(value)


class PublishableQuerySet(models.QuerySet):
    """The one visibility rule of the site: readers see what is public, staff everything."""

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        """What anyone may read."""
        return self.published()

    def visible_to(self, user):
        """Everything for staff (drafts included), public content for everyone else."""
        if user.is_staff:
            return self.all()
        return self.public()


class DimensionQuerySet(PublishableQuerySet):
    def public(self):
        """Published rows of published comparisons: a draft table hides all its rows."""
        return self.published().filter(comparison__status=Status.PUBLISHED)

    def tag_items(self):
        """taggit's items that tag these dimensions (one per dimension and tag), as a query
        of its own: counting or listing tags on them needs no join through the dimensions."""
        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id__in=self.values("pk"),
        )


class Changeset(models.Model):
    """One change to content, as one editor (or the system) made it: every history record it
    wrote points here. Written only by the write service (comparisons/history/writes.py)."""

    class Reason(models.TextChoices):
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        DELETE = "delete", "Deleted"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Returned to draft"
        RESTORE = "restore", "Restored"
        TRASH_RESTORE = "trash_restore", "Restored from the Trash"
        IMPORT = "import", "Imported"
        BACKUP = "backup", "Restored from a backup"
        LOAD = "load", "Loaded from the default content"
        UPGRADE = "upgrade", "Updated from the default content"
        BASELINE = "baseline", "Recorded when history began"
        TAG_RENAME = "tag_rename", "Tag renamed"
        TAG_MERGE = "tag_merge", "Tags merged"
        TAG_DELETE = "tag_delete", "Tag deleted"
        SUGGESTION = "suggestion", "Suggested by a reader"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=20, choices=Reason)
    message = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            # The Trash and the upgrade read changesets by reason, newest first.
            models.Index(fields=["reason", "-created"], name="changeset_reason_created"),
        ]

    def __str__(self):
        text = self.get_reason_display()
        return f"{text}: {self.message}" if self.message else text


class InChangeset(models.Model):
    """The changeset a history record belongs to (a base of every historical model)."""

    # PROTECT: a changeset is the record of its history records; it goes only with them.
    changeset = models.ForeignKey(
        Changeset, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class RemembersSlugs(models.Model):
    """Records the old slug whenever `save()` changes it, so old URLs can redirect.

    Works for every way a slug changes through `save()`: the admin, the shell, an import.
    The slug as loaded is kept on the instance; an instance not loaded from the database
    costs one query on save to learn it.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old_slug = self._slug_in_database()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_slug and old_slug != self.slug:
                self.remember_slug(old_slug)
        self._saved_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def _slug_in_database(self) -> str | None:
        if self.pk is None:
            return None
        saved = getattr(self, "_saved_slug", None)
        if saved is None:
            saved = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
        return saved

    def remember_slug(self, old_slug: str) -> None:
        raise NotImplementedError


class Segment(models.Model):
    """A column of a comparison table: B2B, B2C, ..."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(bases=[InChangeset])

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Comparison(RemembersSlugs):
    """A table: rows are dimensions, columns are segments."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    # Free text rather than a model: a handful of topics, named by editors as the site grows.
    topic = models.CharField(
        max_length=60,
        blank=True,
        help_text="The home page groups tables by topic, e.g. “Product management”, “Marketing”.",
    )
    summary = models.TextField(blank=True, help_text="Markdown. Shown above the table.")
    segments = models.ManyToManyField(
        Segment, through="ComparisonSegment", related_name="comparisons"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()
    history = HistoricalRecords(bases=[InChangeset])

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("comparison", args=[self.slug])

    def remember_slug(self, old_slug: str) -> None:
        # The newest owner of an old slug wins; the new slug is live, so no longer "old".
        ComparisonSlug.objects.update_or_create(slug=old_slug, defaults={"comparison": self})
        ComparisonSlug.objects.filter(slug=self.slug).delete()

    def ordered_segments(self):
        """The table's columns, in order. Runs one query."""
        return self.segments.order_by("comparisonsegment__position", "position")

    @property
    def is_draft(self):
        return self.status == Status.DRAFT


class ComparisonSegment(models.Model):
    """Which segments a comparison compares, and in what order."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE)
    # PROTECT: removing a segment that tables use would delete their cells.
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)

    # Recorded so that a removed column comes back from the Trash with its place.
    history = HistoricalRecords(bases=[InChangeset])

    class Meta:
        ordering = ["position"]
        constraints = [
            # A column appears once per table.
            models.UniqueConstraint(
                fields=["comparison", "segment"], name="comparisonsegment_unique_segment"
            ),
        ]

    def __str__(self):
        return f"{self.comparison} · {self.segment}"


class TagsInHistory(models.Model):
    """A column on a dimension's historical records: its tags at that record.

    taggit's manager is no plain many-to-many field, so django-simple-history does
    not record it; comparisons.history.versions keeps this column up to date.
    """

    tag_names = models.TextField(blank=True, default="")

    class Meta:
        abstract = True


class Dimension(RemembersSlugs, Versioned):
    """A row of a comparison table: one aspect of the job, compared across segments.

    Saving a row goes through the write path (comparisons/history/writes.py). A save of a loaded row
    runs eight statements on PostgreSQL, seven on SQLite, inside two savepoints: the
    edit-version claim, the UPDATE, the row's tags and the INSERT of its history version, its
    search vector (PostgreSQL only), and the cache generations (the site's and the table's).
    A changed slug adds two (the old slug kept); a row not loaded from the database, one (its
    slug as saved).
    """

    # PROTECT: deleting a comparison must not silently take its rows with it.
    comparison = models.ForeignKey(Comparison, on_delete=models.PROTECT, related_name="dimensions")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=100)
    question = models.CharField(
        max_length=250, blank=True, help_text="The one-line question this row answers."
    )
    common_ground = models.TextField(
        blank=True,
        help_text="Markdown. What is the same for every segment; shown as one cell across the row.",
    )
    # Unjudged rows count as "different", so "big differences only" keeps them until judged.
    difference = models.CharField(
        "difference level",
        max_length=10,
        choices=DifferenceLevel,
        default=DifferenceLevel.DIFFERENT,
        help_text="How far apart the segments are on this row; readers can hide small ones.",
    )
    position = models.PositiveIntegerField(default=0)
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Derived from the row, its entries and its tags (comparisons/search/queries.py keeps it fresh).
    # Only PostgreSQL fills it; other databases leave it empty and search in Python.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = DimensionQuerySet.as_manager()
    # The search vector is derived from the row and its cells: history keeps the sources.
    history = HistoricalRecords(
        bases=[TagsInHistory, InChangeset], excluded_fields=["search_vector"]
    )

    class Meta:
        # "Row" is the word readers and the README use; the model keeps its name in code.
        verbose_name = "row"
        verbose_name_plural = "rows"
        # No default ordering: the table orders its rows (comparisons/grids.py), the admin
        # and search theirs; a default here would join the comparison on every query.
        indexes = [
            GinIndex(fields=["search_vector"], name="dimension_search_vector_gin"),
            # The home page's "Recently changed rows" reads the newest rows first.
            models.Index(fields=["-updated"], name="dimension_recently_updated"),
        ]
        constraints = [
            # The row's URL is /compare/<comparison>/<dimension>/.
            models.UniqueConstraint(
                fields=["comparison", "slug"], name="dimension_unique_slug_per_comparison"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The row's own page. Runs a query unless `comparison` is loaded."""
        return reverse("dimension", args=[self.comparison.slug, self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # A row moved to another table leaves that table's cached pages stale too.
        instance._saved_comparison_id = instance.__dict__.get("comparison_id")
        return instance

    def remember_slug(self, old_slug: str) -> None:
        DimensionSlug.objects.update_or_create(
            comparison_id=self.comparison_id, slug=old_slug, defaults={"dimension": self}
        )
        DimensionSlug.objects.filter(comparison_id=self.comparison_id, slug=self.slug).delete()

    def get_url_in_comparison(self):
        """The row inside its table. Runs a query unless `comparison` is loaded."""
        return f"{self.comparison.get_absolute_url()}#{self.slug}"

    @property
    def is_draft(self):
        return self.status == Status.DRAFT


class Entry(Versioned):
    """A cell: what one dimension looks like for one segment.

    A save of a loaded cell runs seven statements on PostgreSQL, six on SQLite (the
    edit-version claim, the UPDATE, its history version, its row's search vector on
    PostgreSQL, the cache generations of the site, the table and the row), one more if its
    row is not loaded (to find the row's comparison). After the commit, its row is rendered
    for readers.
    """

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="entries")
    # PROTECT: a segment in use keeps its cells.
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="entries")
    body = models.TextField(help_text="Markdown.")
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_sources],
        help_text="A list of {title, url} where the entry's facts come from.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[InChangeset])

    class Meta:
        verbose_name = "cell"  # the pages' word (an entry is a cell of a table)
        verbose_name_plural = "cells"
        # No default ordering: cells are placed by their segment (comparisons/grids.py).
        constraints = [
            # One cell per row and column.
            models.UniqueConstraint(
                fields=["dimension", "segment"], name="entry_unique_dimension_segment"
            ),
        ]

    def __str__(self):
        return f"{self.dimension} · {self.segment}"

    def clean(self):
        super().clean()
        try:
            # The dimension may be unsaved yet: an inline of the dimension's add form.
            comparison_id = self.dimension.comparison_id
        except Dimension.DoesNotExist:
            return
        if comparison_id and self.segment_id:
            compared = ComparisonSegment.objects.filter(
                comparison_id=comparison_id, segment_id=self.segment_id
            )
            if not compared.exists():
                raise ValidationError(
                    {"segment": "This segment is not one of the comparison's columns."}
                )


class ComparisonSlug(models.Model):
    """A slug a comparison had before: its old URLs redirect to the current one."""

    slug = models.SlugField(max_length=100)
    # CASCADE: deleting is not renaming; a deleted table's old URLs are 404.
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="old_slugs")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # An old URL redirects to exactly one table.
            models.UniqueConstraint(fields=["slug"], name="comparisonslug_unique_slug"),
        ]

    def __str__(self):
        return f"{self.slug} → {self.comparison_id}"


class DimensionSlug(models.Model):
    """A slug a row had before, within the comparison it belonged to then."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=100)
    # CASCADE: a deleted row's old URL is 404, not a redirect.
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="old_slugs")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Row URLs are /compare/<comparison>/<dimension>/: one target per old pair.
            models.UniqueConstraint(
                fields=["comparison", "slug"], name="dimensionslug_unique_slug_per_comparison"
            ),
        ]

    def __str__(self):
        return f"{self.slug} → {self.dimension_id}"


class SiteGeneration(models.Model):
    """One row whose number changes with every change to public content.

    Pages that span tables (home, tags, search, sitemap) are cached under it; a bump in the
    same transaction as the change makes their stale copies unreachable in every app process
    (comparisons/caching.py).
    """

    number = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"site generation {self.number}"


class TableGeneration(models.Model):
    """A number that changes with every change to what one table's pages show.

    The table's pages (table, filtered views, rows, exports, embed, feeds, API) are cached
    under it, so an edit to one table leaves the other tables' cached pages valid.
    """

    # Kept when its table is deleted (no constraint): a table restored from a backup under
    # the same id goes on from this number, never back to one its old pages were cached under.
    comparison = models.OneToOneField(
        Comparison,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="generation",
    )
    number = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"table generation {self.number} of {self.comparison_id}"


class DimensionText(models.Model):
    """A row's words in SQLite's FTS5 index (search/queries.py), for the search join only.

    A virtual table its migration makes on SQLite alone (PostgreSQL keeps
    `Dimension.search_vector`); `comparisons.search.queries.refresh_search_vectors` keeps it right.
    Its rowid is the row's id; `document` is FTS5's column named after the table, which
    `MATCH` takes, and `rank` its bm25 rank (lower is better).
    """

    dimension = models.OneToOneField(
        Dimension,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        db_column="rowid",
        related_name="text",
    )
    document = models.TextField(db_column="comparisons_dimension_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "comparisons_dimension_fts"

    def __str__(self):
        return f"search text of {self.dimension_id}"
