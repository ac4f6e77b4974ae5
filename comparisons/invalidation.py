"""Bump the content version on every change to what public pages show.

Saves, deletes and tag changes send signals; bulk writes and queryset updates do not, so
the code that does them (admin actions, default content, restore) bumps explicitly.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from comparisons.caching import bump_content_version
from comparisons.models import ContentVersion


def _bump(sender, **kwargs) -> None:
    bump_content_version()


def _bump_on_tag_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        bump_content_version()


def connect() -> None:
    content_models = [
        model
        for model in apps.get_app_config("comparisons").get_models()
        if model is not ContentVersion
    ]
    for model in [*content_models, Tag, TaggedItem]:
        post_save.connect(_bump, sender=model, dispatch_uid=f"kb-bump-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"kb-bump-del-{model.__name__}")
    m2m_changed.connect(_bump_on_tag_change, sender=TaggedItem, dispatch_uid="kb-bump-tags")
