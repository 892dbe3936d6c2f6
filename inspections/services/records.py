"""Creating, changing and deleting one record from its page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.forms import ModelForm

from accounts.models import User


class RecordError(Exception):
    """A change that breaks a rule; the message is shown to the user as is."""


ACTIONS = {"add": "新增", "change": "修改", "delete": "删除"}


def _ensure_may(user: User, action: str, record: models.Model) -> None:
    opts = record._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise PermissionDenied(f"您没有{ACTIONS[action]}{opts.verbose_name}的权限。")
    if record.organization_id != user.organization_id:
        raise PermissionDenied("只能修改本单位的记录。")


@transaction.atomic
def save_record(*, user: User, form: ModelForm) -> models.Model:
    """Save a validated record form (with its many-to-many fields) for the user's own organisation."""
    record = form.instance
    _ensure_may(user, "add" if record._state.adding else "change", record)
    return form.save()


@transaction.atomic
def delete_record(*, user: User, record: models.Model) -> None:
    _ensure_may(user, "delete", record)
    try:
        record.delete()
    except ProtectedError as exc:
        blocking: dict[str, int] = {}
        for obj in exc.protected_objects:
            name = str(obj._meta.verbose_name)
            blocking[name] = blocking.get(name, 0) + 1
        listed = "、".join(f"{count}条{name}记录" for name, count in blocking.items())
        raise RecordError(f"“{record}”还有{listed}引用它，不能删除；请先删除或改挂这些记录。") from None
