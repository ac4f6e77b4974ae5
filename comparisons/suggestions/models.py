"""A reader's proposed change to one public row: a change not applied yet.

The reader sends the row's title, question and every cell (body and sources) as they want
them, with the edit versions of the row and of each cell they saw. An editor accepts it as a
three-way merge against those versions (comparisons/suggestions/apply.py) or declines it.
Nothing a reader sends is shown to anyone but editors; the reader follows its status by an
unguessable token.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from comparisons.models import Dimension

# Per field, what a reader may send (the form enforces them; the columns hold them).
TITLE_MAX = 120  # as Dimension.title
QUESTION_MAX = 250  # as Dimension.question
BODY_MAX = 5000
SOURCES_MAX = 2000  # the sources of a cell, as the lines of text the reader typed
REASON_MAX = 1000
NAME_MAX = 60
NOTE_MAX = 1000


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SuggestionStatus.OPEN)


class Suggestion(models.Model):
    # CASCADE: a suggestion for a deleted row can no longer be applied, nor is it content.
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="suggestions")
    # The edit version (comparisons/versioning.py) of the row the reader saw: the merge base.
    seen_version = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    question = models.CharField(max_length=QUESTION_MAX, blank=True)
    # {segment id (str): {"body": str, "sources": [{title, url}], "entry": id or None,
    #  "seen_version": the cell's edit version the reader saw, or None for an empty cell}}
    cells = models.JSONField(default=dict)
    reason = models.TextField(max_length=REASON_MAX)
    name = models.CharField(max_length=NAME_MAX, blank=True)
    email = models.EmailField(blank=True, help_text="Never shown on the site.")
    status = models.CharField(
        max_length=10, choices=SuggestionStatus, default=SuggestionStatus.OPEN
    )
    editor_note = models.TextField(
        max_length=NOTE_MAX, blank=True, help_text="Shown to the reader on their status page."
    )
    edited_by_editor = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # A keyed hash of the sender's address (kb.proxies.client_ip): to see a flood, not who.
    client_hash = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        indexes = [
            # The admin's queue: open suggestions, newest first.
            models.Index(fields=["status", "-created"], name="suggestion_queue"),
        ]

    def __str__(self):
        return f"Suggestion for “{self.dimension}” ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        """The reader's private status page."""
        return reverse("suggestion_status", args=[self.token])

    @property
    def credit(self) -> str:
        """How history and feeds credit the change: the name, never the e-mail."""
        return f"Suggested by {self.name or 'a reader'}"
