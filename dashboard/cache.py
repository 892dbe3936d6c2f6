"""The leader's and the municipal reviewer's dashboard figures, cached under the version of their data.

A key holds the data version (``audit.selectors.data_version``) read before the figures are computed. Every write
to bureau data is audited in its own transaction, and auditing a change moves its organisation's version in that
transaction (``audit.services.bump_data_version``), so once a change is committed every later read asks for a new
key: a figure from before the change cannot be served, with any cache backend and any number of servers. Nothing
is invalidated by hand; old keys simply age out.

The figures may be newer than their key (a change committed while they were computed), never older.
"""

from __future__ import annotations

from django.core.cache import cache

from accounts.models import User
from assessment import policies
from audit.selectors import data_version
from dashboard import selectors

#: Old versions are never read again; this only bounds how long they occupy memory.
SECONDS = 10 * 60


def leader_overview(user: User, *, year: int) -> selectors.LeaderOverview:
    """``selectors.leader_overview``: what it shows depends on the organisation, the year and whether the user may
    sign reports, so the key holds exactly those and the organisation's data version."""
    organization_id = user.organization_id
    may_sign = policies.is_signatory(user)
    key = f"dashboard:leader:{organization_id}:{year}:{int(may_sign)}:{data_version(organization_id)}"
    return cache.get_or_set(key, lambda: selectors.leader_overview(user, year=year), SECONDS)


def city_overview(user: User, *, year: int) -> selectors.CityOverview:
    """``selectors.city_overview``: every district's figures, under the sum of every organisation's version."""
    key = f"dashboard:city:{year}:{data_version()}"
    return cache.get_or_set(key, lambda: selectors.city_overview(user, year=year), SECONDS)
