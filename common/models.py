"""Abstract models: fields and rules that several apps' models share. No table of their own."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Versioned(models.Model):
    """Optimistic lock: a form carries the version it was loaded with, and a save claims it (``common.locking``)."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class Record(Versioned):
    """Bureau data that people of one organisation type in or import (the enforcement records, the roster).

    The organisation is held directly, so that ``accounts.scoping.OrgScopedQuerySet`` scopes it with one filter.
    """

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="机构", on_delete=models.PROTECT, related_name="%(class)s_records"
    )
    # When the record was entered (typed in or imported), as opposed to the date it records.
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        abstract = True
