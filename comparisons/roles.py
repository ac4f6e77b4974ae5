"""The Editors group: who may curate content, in one list.

Editors add, change, delete and view the knowledge base's content and nothing
else: no users, no groups, no permissions. To give editors a new model (slug
history, historical records, ...), add its permissions to EDITOR_PERMISSIONS and
add a data migration that calls `sync_editor_group` again.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"

CURATE = ("add", "change", "delete", "view")

# (app label, model name): what editors curate, each with all of CURATE.
CURATED_MODELS = [
    ("comparisons", "comparison"),
    ("comparisons", "comparisonsegment"),
    ("comparisons", "segment"),
    ("comparisons", "dimension"),
    ("comparisons", "entry"),
    ("taggit", "tag"),
    ("taggit", "taggeditem"),
]

# (app label, permission codename). Extend here, e.g. ("comparisons", "view_historicaldimension").
EDITOR_PERMISSIONS = (
    [(app_label, f"{action}_{model}") for app_label, model in CURATED_MODELS for action in CURATE]
    + [
        # History is read-only for everyone: it is written by saves, restored by saving again.
        ("comparisons", f"view_historical{model}")
        for model in ("comparison", "segment", "dimension", "entry")
    ]
    + [
        # Short links are made by readers' requests only; editors may remove one.
        ("shortlinks", "view_shortlink"),
        ("shortlinks", "delete_shortlink"),
    ]
    + [
        # Readers send suggestions; editors review, accept or decline (and delete spam).
        ("suggestions", f"{action}_suggestion")
        for action in ("view", "change", "delete")
    ]
)


def _model_exists(apps, app_label, codename):
    model = codename.split("_", 1)[1]
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def sync_editor_group(apps=global_apps, using="default"):
    """Create the Editors group with exactly EDITOR_PERMISSIONS. Safe to run again.

    On a fresh database, permissions are only created by a post_migrate signal
    after all migrations have run, so a data migration creates the ones it needs.
    """
    for app_label in sorted({app_label for app_label, _ in EDITOR_PERMISSIONS}):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # A migration sees the models of its point in history: permissions for models
    # added later are granted by the migration that adds them, calling this again.
    wanted = {
        (label, code) for label, code in EDITOR_PERMISSIONS if _model_exists(apps, label, code)
    }
    permissions = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise RuntimeError(f"Editor permissions do not exist: {sorted(missing)}")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.set(permissions)
    return group
