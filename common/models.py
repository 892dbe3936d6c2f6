"""Abstract models: fields and rules that several apps' models share. No table of its own."""

from __future__ import annotations

from django.db import models


class Versioned(models.Model):
    """Optimistic lock: a form carries the version it was loaded with, and a save claims it (``common.locking``)."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True
