"""Who may do what with 执法公示: one small function per decision, for views, services and templates alike.

Reading the public site needs nothing. The publication desk of a district (deadlines, what is published) is
read by its bureau staff; publishing, correcting and withdrawing (信用修复) are a leader's, in their own district.
"""

from __future__ import annotations

from accounts.models import User

VIEW_PERMISSION = "disclosure.view_penaltypublication"
PUBLISH_PERMISSION = "disclosure.publish_penaltypublication"


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_view_desk(user: User) -> bool:
    return _active(user) and user.organization_id is not None and user.has_perm(VIEW_PERMISSION)


def may_publish(user: User) -> bool:
    """Publish, correct or withdraw: a leader. Objects are looked up through ``writable_by`` by the caller,
    so another district's case or publication does not exist for them."""
    return _active(user) and user.organization_id is not None and user.has_perm(PUBLISH_PERMISSION)


def may_publish_in(user: User, organization_id: int) -> bool:
    return may_publish(user) and user.organization_id == organization_id
