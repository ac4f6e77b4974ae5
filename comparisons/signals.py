"""Keep each row's search vector fresh when the row, its cells or its tags change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from comparisons.models import Dimension, Entry
from comparisons.search import refresh_search_vectors


@receiver(post_save, sender=Dimension)
def _dimension_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.pk])


@receiver(post_save, sender=Entry)
@receiver(post_delete, sender=Entry)
def _entry_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.dimension_id])


@receiver(m2m_changed, sender=Dimension.tags.through)
def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Dimension):
        refresh_search_vectors([instance.pk])
    elif pk_set:  # a tag's rows changed from the tag's side
        refresh_search_vectors(pk_set)


@receiver(post_save, sender=Tag)
def _tag_renamed(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    refresh_search_vectors(
        TaggedItem.objects.filter(
            tag=instance, content_type__app_label="comparisons", content_type__model="dimension"
        ).values_list("object_id", flat=True)
    )
