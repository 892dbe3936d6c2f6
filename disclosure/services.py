"""Every write of 执法公示: publish, correct, withdraw (信用修复 or at the maximum period), the calendar.

Each function is atomic, takes keyword arguments, checks the policy itself and writes its audit event in its own
transaction. A refusal is a ``DisclosureError`` whose message is shown to the user as is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from disclosure import masking, periods, policies
from disclosure.models import BureauContact, CalendarDay, PenaltyPublication, PenaltyWithdrawal
from disclosure.public_fields import PUBLIC
from inspections.models import PartyKind, PenaltyCase

Action = audit.Action
PERSON_KINDS = (PartyKind.NATURAL_PERSON, PartyKind.SOLE_TRADER_PERSONAL)
_SNAPSHOT_FIELDS = sorted(PUBLIC["disclosure.PenaltyPublication"] - {"id", "organization", "supersedes"})


class DisclosureError(Exception):
    """A refused publication, correction or withdrawal; the message is shown as is."""


def today() -> date:
    return timezone.localdate()


def _penalty_text(case: PenaltyCase) -> str:
    if case.penalty_content.strip():
        return case.penalty_content.strip()
    if case.outcome == PenaltyCase.Outcome.FINED:
        return f"罚款人民币{case.fine_yuan:,.2f}元"
    return case.get_outcome_display()


def public_snapshot(case: PenaltyCase) -> dict[str, Any]:
    """What the public will see of ``case``: its public fields only, the party masked where it is a person.

    Raises DisclosureError listing everything missing or private, so the leader fixes it in one go.
    """
    problems = []
    if not case.decided_on or not case.outcome:
        problems.append("案件尚未作出处罚决定（缺少决定日期或处理结果）")
    if not case.decision_document_number.strip():
        problems.append("缺少处罚决定书文号")
    if not case.penalty_legal_basis.strip():
        problems.append("缺少处罚依据")
    person = case.party_kind in PERSON_KINDS
    full_name = (case.party_name or case.source.name).strip()
    if person and not case.party_name.strip():
        problems.append("当事人是自然人或以姓名登记的个体工商户，须填写当事人姓名（公示时只显示姓氏加“某某”）")

    def public_text(value: str) -> str:
        return masking.mask_in_text(value.strip(), full_name) if person else value.strip()

    texts = {
        "处罚决定书文号": case.decision_document_number,
        "违法行为类型": case.violation_type,
        "主要违法事实": case.violation_facts,
        "处罚依据": case.penalty_legal_basis,
        "处罚内容": case.penalty_content,
    }
    if not person:
        texts["当事人名称"] = full_name
    private_values = [v.strip() for v in (case.party_id_number, case.party_phone, case.party_address) if v.strip()]
    for label, value in texts.items():
        found = masking.private_numbers_in(value)
        if found or any(p in value for p in private_values):
            kinds = "、".join(found) or "当事人的不公开信息"
            problems.append(f"“{label}”中含有{kinds}，公示内容不得包含，请修改案件后再公示")
    if problems:
        raise DisclosureError("不能公示：" + "；".join(problems) + "。")
    return {
        "decision_number": case.decision_document_number.strip(),
        "party_kind": case.party_kind,
        "party_name": masking.masked_name(full_name) if person else full_name,
        # a natural person has no credit code; an identity number is never one
        "credit_code": "" if case.party_kind == PartyKind.NATURAL_PERSON else case.source.credit_code,
        "violation": public_text(case.violation_type),
        "violation_facts": public_text(case.violation_facts),
        "legal_basis": public_text(case.penalty_legal_basis),
        "outcome": case.outcome,
        "penalty": public_text(_penalty_text(case)),
        "fine_yuan": case.fine_yuan or Decimal("0"),
        "decided_on": case.decided_on,
        "authority": case.organization.name,
        "withdrawable_from": periods.withdrawable_from(case.decided_on),
        "expires_on": periods.expires_on(case.decided_on),
    }


def _locked_case(case: PenaltyCase) -> PenaltyCase:
    # one publisher at a time per case: two leaders clicking at once get one publication and one message
    return PenaltyCase.objects.select_related("source", "organization").select_for_update(of=("self",)).get(pk=case.pk)


def _check(user: User, case: PenaltyCase) -> None:
    if not policies.may_publish_in(user, case.organization_id):
        raise DisclosureError("只有本单位的领导可以公示、更正或撤下行政处罚决定。")
    if PenaltyWithdrawal.objects.filter(case=case).exists():
        raise DisclosureError("这一处罚决定已撤下公示，不能再公示或更正。")
    if case.decided_on and periods.expires_on(case.decided_on) <= today():
        raise DisclosureError("这一处罚决定已超过三年最长公示期，不再公示。")


def _create(case: PenaltyCase, user: User, values: dict[str, Any], **extra: Any) -> PenaltyPublication:
    return PenaltyPublication.objects.create(
        organization_id=case.organization_id,
        case=case,
        published_at=timezone.now(),
        published_by=user,
        **values,
        **extra,
    )


@transaction.atomic
def publish(*, case: PenaltyCase, user: User, request: HttpRequest | None = None) -> PenaltyPublication:
    case = _locked_case(case)
    _check(user, case)
    if case.publications.exists():
        raise DisclosureError("这一处罚决定已经公示；内容有误时请发布更正。")
    publication = _create(case, user, public_snapshot(case))
    audit.record(
        actor=user,
        action=Action.PUBLISH,
        obj=publication,
        changes=audit.created(publication, _SNAPSHOT_FIELDS),
        note=f"公示行政处罚决定（案件 {case.case_number}）",
        request=request,
    )
    return publication


@transaction.atomic
def correct(
    *, publication: PenaltyPublication, user: User, note: str, request: HttpRequest | None = None
) -> PenaltyPublication:
    """Publish the case's current data as a new version; the old version stays reachable and says it was corrected."""
    case = _locked_case(publication.case)
    _check(user, case)
    note = note.strip()
    if not note:
        raise DisclosureError("请写明更正说明（更正了什么、为什么）。")
    if len(note) > 500:
        raise DisclosureError("更正说明不能超过500字。")
    current = case.publications.order_by("-number").first()
    if current is None or current.pk != publication.pk:
        raise DisclosureError("只能更正当前公示的版本；这一版本已被更正过。")
    values = public_snapshot(case)
    if all(getattr(current, key) == value for key, value in values.items()):
        raise DisclosureError("案件的公示内容与当前版本相同：请先在执法记录中修改案件，再发布更正。")
    new = _create(case, user, values, number=current.number + 1, supersedes=current, correction_note=note)
    audit.record(
        actor=user,
        action=Action.PUBLISH,
        obj=new,
        changes=audit.diff(audit.snapshot(current, _SNAPSHOT_FIELDS), audit.snapshot(new, _SNAPSHOT_FIELDS)),
        note=f"更正行政处罚决定公示（第{current.number}版 → 第{new.number}版）：{note}",
        request=request,
    )
    return new


@transaction.atomic
def withdraw_for_credit_repair(
    *,
    publication: PenaltyPublication,
    user: User,
    grounds: str,
    applied_on: date,
    request: HttpRequest | None = None,
) -> PenaltyWithdrawal:
    """信用修复: the party applied, the leader approves, the decision leaves the public site (after the minimum)."""
    case = _locked_case(publication.case)
    _check(user, case)
    grounds = grounds.strip()
    if not grounds:
        raise DisclosureError("请写明信用修复的申请和理由（如：已履行处罚决定、已完成整改，申请人及材料）。")
    if len(grounds) > 2000:
        raise DisclosureError("信用修复理由不能超过2000字。")
    if applied_on > today():
        raise DisclosureError("申请日期不能晚于今天。")
    if applied_on < publication.decided_on:
        raise DisclosureError("申请日期不能早于处罚决定日期。")
    if today() < publication.withdrawable_from:
        raise DisclosureError(
            f"处罚决定公示满三个月后才能通过信用修复提前撤下：最早 {publication.withdrawable_from:%Y年%-m月%-d日}。"
        )
    withdrawal = PenaltyWithdrawal.objects.create(
        organization_id=case.organization_id,
        case=case,
        reason=PenaltyWithdrawal.Reason.CREDIT_REPAIR,
        grounds=grounds,
        applied_on=applied_on,
        approved_by=user,
        withdrawn_at=timezone.now(),
    )
    audit.record(
        actor=user,
        action=Action.WORKFLOW,
        obj=withdrawal,
        changes=audit.created(withdrawal, ["reason", "grounds", "applied_on", "approved_by"]),
        note=f"信用修复：撤下行政处罚决定公示 {publication.decision_number}",
        request=request,
    )
    return withdrawal


def withdraw_expired(*, on: date | None = None, batch: int = 500) -> int:
    """Record the automatic withdrawal of every case past its maximum period (the pages already hide them: see
    ``PublicationQuerySet.visible``). One transaction per batch, so a long backlog never holds one huge lock."""
    on = on or today()
    done = 0
    while True:
        with transaction.atomic():
            cases = list(
                PenaltyCase.objects.filter(
                    pk__in=PenaltyPublication.objects.filter(expires_on__lte=on, correction__isnull=True).values(
                        "case"
                    ),
                    disclosure_withdrawal__isnull=True,
                )
                .select_for_update(of=("self",), skip_locked=True)
                .order_by("pk")[:batch]
            )
            for case in cases:
                withdrawal = PenaltyWithdrawal.objects.create(
                    organization_id=case.organization_id,
                    case=case,
                    reason=PenaltyWithdrawal.Reason.EXPIRED,
                    withdrawn_at=timezone.now(),
                )
                audit.record(
                    actor=None,
                    action=Action.WORKFLOW,
                    obj=withdrawal,
                    changes=audit.created(withdrawal, ["reason"]),
                    note="公示期满三年，自动撤下行政处罚决定公示",
                )
        done += len(cases)
        if len(cases) < batch:
            return done


# --- the working-day calendar and the bureaus' contacts (admin) ------------------------------------------------------------------------


@transaction.atomic
def save_calendar_day(*, day: CalendarDay, user: User, request: HttpRequest | None = None) -> CalendarDay:
    before = audit.snapshot(CalendarDay.objects.get(pk=day.pk)) if day.pk else {}
    day.full_clean()
    day.save()
    audit.record(
        actor=user,
        action=Action.UPDATE if before else Action.CREATE,
        obj=day,
        changes=audit.diff(before, audit.snapshot(day)),
        request=request,
    )
    return day


@transaction.atomic
def delete_calendar_day(*, day: CalendarDay, user: User, request: HttpRequest | None = None) -> None:
    changes = audit.deleted(day)
    audit.record(actor=user, action=Action.DELETE, obj=day, changes=changes, request=request)
    day.delete()


@transaction.atomic
def save_contact(*, contact: BureauContact, user: User | None, request: HttpRequest | None = None) -> BureauContact:
    before = audit.snapshot(BureauContact.objects.get(pk=contact.pk)) if contact.pk else {}
    contact.full_clean()
    contact.save()
    audit.record(
        actor=user,
        action=Action.UPDATE if before else Action.CREATE,
        obj=contact,
        changes=audit.diff(before, audit.snapshot(contact)),
        request=request,
    )
    return contact
