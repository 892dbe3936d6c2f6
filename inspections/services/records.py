"""Creating, changing and deleting one record from its page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError
from django.forms import ModelForm
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from audit.models import AuditEvent
from audit.selectors import last_change
from inspections import policies
from inspections.models import TrainingAttendance


class RecordError(Exception):
    """A change that breaks a rule; the message is shown to the user as is."""


class StaleRecord(RecordError):
    """The record was changed after its edit page was loaded: nothing was saved (no lost update)."""

    def __init__(self, current: models.Model):
        self.current = current
        event = last_change(current, imports_of="inspections.ledgerimport")
        if event is not None:
            by = f"{event.actor_name}于{timezone.localtime(event.at):%Y年%-m月%-d日 %H:%M}"
            how = "通过台账导入" if event.action == AuditEvent.Action.IMPORT else ""
            changed = f"已被{by}{how}修改"
        else:
            changed = "已被他人修改"
        super().__init__(
            f"该{current._meta.verbose_name}记录“{current}”{changed}，您的修改未保存；"
            f"当前内容见下方“当前保存的内容”，请刷新后重新填写。"
        )


ACTIONS = {"add": "新增", "change": "修改", "delete": "删除"}


def _ensure_may(user: User, action: str, record: models.Model) -> None:
    if not policies.may_write_record(user, action, record):
        raise PermissionDenied(
            f"只有本单位有{ACTIONS[action]}权限的人员可以{ACTIONS[action]}{record._meta.verbose_name}记录。"
        )


@transaction.atomic
def save_record(*, user: User, form: ModelForm) -> models.Model:
    """Save a validated record form (with its many-to-many fields) for the user's own organisation.

    An edit must come with the version its page was loaded with (``form.loaded_version``): the version is
    claimed with ``UPDATE … SET version = version + 1 WHERE pk = … AND version = …`` before anything is written,
    so of two saves of one loaded page only the first goes through; the other raises StaleRecord.
    """
    record = form.instance
    adding = record._state.adding
    _ensure_may(user, "add" if adding else "change", record)
    model = type(record)
    before: dict = {}
    if not adding:
        expected = form.loaded_version
        if not model.objects.filter(pk=record.pk, version=expected).update(version=F("version") + 1):
            raise StaleRecord(model.objects.get(pk=record.pk))
        # the stored values: the form has already changed ``record`` in memory
        before = audit.snapshot(model.objects.get(pk=record.pk))
        record.version = expected + 1
    saved = form.save()
    changes = audit.diff(before, audit.snapshot(saved))
    if adding or changes:
        audit.record(
            actor=user,
            action=AuditEvent.Action.CREATE if adding else AuditEvent.Action.UPDATE,
            obj=saved,
            changes=changes,
        )
    return saved


@transaction.atomic
def delete_record(*, user: User, record: models.Model) -> None:
    _ensure_may(user, "delete", record)
    # written first, in the same transaction: a deletion that is refused takes its event back with it
    audit.record(actor=user, action=AuditEvent.Action.DELETE, obj=record, changes=audit.deleted(record))
    try:
        record.delete()
    except ProtectedError as exc:
        blocking: dict[str, int] = {}
        for obj in exc.protected_objects:
            name = str(obj._meta.verbose_name)
            blocking[name] = blocking.get(name, 0) + 1
        listed = "、".join(f"{count}条{name}记录" for name, count in blocking.items())
        raise RecordError(f"“{record}”还有{listed}引用它，不能删除；请先删除或改挂这些记录。") from None


def replace_training_attendance(*, training: models.Model, organization, entries: list[tuple[int, object]]) -> None:
    """A training's attendance list (officer pk, hours), replaced whole; inside ``save_record``'s transaction,
    whose audit event shows the list as the form's text."""
    training.attendance.all().delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(organization=organization, training=training, officer_id=pk, hours=hours)
        for pk, hours in entries
    )


def replace_review_results(*, review: models.Model, results: list[tuple[object, bool, str]]) -> None:
    """A case-file review's checklist results (item, passed, note), replaced whole; inside ``save_record``'s
    transaction, whose audit event records the review."""
    from inspections.review.models import ReviewResult

    review.results.all().delete()
    ReviewResult.objects.bulk_create(
        ReviewResult(review=review, item=item, passed=passed, note=note) for item, passed, note in results
    )
