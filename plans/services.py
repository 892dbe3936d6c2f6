"""Every write to plans and draws: atomic, keyword-only, audited, refused with a Chinese message when a rule is broken.

The 备案 flow is 草稿 → 已报备 → 已备案 (or 已退回 with a reason, then edited and filed again) → 已公开. A draw runs on
an acknowledged or published plan, with the seed published beforehand; a draw never changes once run, and a
redraw is a new draw that names the one it replaces and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from audit import services as audit
from audit.models import AuditEvent
from inspections.models import Inspection, PollutionSource
from plans import categories, policies
from plans import draw as pure
from plans.models import AnnualPlan, Campaign, CheckItem, Draw, DrawTask, MonthlyPlan, SourceSupervision
from plans.roster import certified_in_post
from plans.selectors import category_period, relation_pairs

Action = AuditEvent.Action
CATEGORIES = [c for c, _ in PollutionSource.Category.choices]
RATE_FIELDS = [f"rate_{c}" for c in CATEGORIES]


class PlanError(Exception):
    """A change that breaks a rule of plans or draws; the message is shown to the user as is."""


def _ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- annual plans ------------------------------------------------------------------------------------


def check_rates(values: dict[str, Decimal | None]) -> dict[str, str]:
    """{field: message} for rates outside 0–100 %."""
    errors = {}
    for name in RATE_FIELDS:
        value = values.get(name)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            errors[name] = f"抽查比例{value}%不在0%到100%之间。"
    return errors


def save_annual_plan(*, user: User, plan: AnnualPlan | None, values: dict, request=None) -> AnnualPlan:
    _ensure(policies.may_edit_annual_plan(user, plan), "您不能修改这个年度计划。")
    if errors := check_rates(values):
        raise ValidationError(errors)
    with transaction.atomic():
        if plan is None:
            plan = AnnualPlan(organization=user.organization)
            before = {}
        else:
            plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
            before = audit.snapshot(plan)
        for name, value in values.items():
            setattr(plan, name, value)
        if AnnualPlan.objects.filter(organization=plan.organization, year=plan.year).exclude(pk=plan.pk).exists():
            raise ValidationError({"year": f"{plan.year}年的年度计划已经存在。"})
        plan.full_clean()
        plan.save()
        changes = audit.diff(before, audit.snapshot(plan))
        audit.record(
            actor=user, action=Action.UPDATE if before else Action.CREATE, obj=plan, changes=changes, request=request
        )
    return plan


def add_campaign(*, user: User, plan: AnnualPlan, name: str, starts_on: date, ends_on: date, request=None) -> Campaign:
    _ensure(policies.may_edit_annual_plan(user, plan), "您不能修改这个年度计划。")
    if not (date(plan.year, 1, 1) <= starts_on <= ends_on <= date(plan.year, 12, 31)):
        raise ValidationError({"ends_on": f"专项行动须在{plan.year}年内，且结束日期不早于开始日期。"})
    with transaction.atomic():
        campaign = Campaign(
            organization=plan.organization, annual_plan=plan, name=name, starts_on=starts_on, ends_on=ends_on
        )
        campaign.full_clean()
        campaign.save()
        audit.record(actor=user, action=Action.CREATE, obj=campaign, changes=audit.created(campaign), request=request)
    return campaign


# --- monthly plans and their 备案 ----------------------------------------------------------------------


def save_monthly_plan(
    *,
    user: User,
    plan: MonthlyPlan | None,
    annual_plan: AnnualPlan,
    values: dict,
    items: Iterable[CheckItem],
    request=None,
) -> MonthlyPlan:
    if plan is not None and not plan.is_editable:
        raise PlanError(f"该计划{plan.get_status_display()}，不能再修改；市局退回后才能修改。")
    _ensure(policies.may_edit_monthly_plan(user, plan), "您不能修改这个月度计划。")
    _ensure(annual_plan.organization_id == user.organization_id, "只能为本单位的年度计划制定月度计划。")
    items = list(items)
    if any(item.organization_id != annual_plan.organization_id or not item.active for item in items):
        raise ValidationError({"items": "只能选择本单位启用的抽查事项。"})
    with transaction.atomic():
        if plan is None:
            plan = MonthlyPlan(organization=annual_plan.organization, annual_plan=annual_plan)
            before = {}
        else:
            plan = MonthlyPlan.objects.select_for_update().get(pk=plan.pk)
            if not plan.is_editable:
                raise PlanError(f"该计划{plan.get_status_display()}，不能再修改。")
            before = audit.snapshot(plan)
        for name, value in values.items():
            setattr(plan, name, value)
        if MonthlyPlan.objects.filter(annual_plan=annual_plan, month=plan.month).exclude(pk=plan.pk).exists():
            raise ValidationError({"month": f"{annual_plan.year}年{plan.month}月的计划已经存在。"})
        plan.full_clean()
        plan.save()
        plan.items.set(items)
        changes = audit.diff(before, audit.snapshot(plan))
        audit.record(
            actor=user, action=Action.UPDATE if before else Action.CREATE, obj=plan, changes=changes, request=request
        )
    return plan


def _transition(*, user: User, plan: MonthlyPlan, to: str, note: str, request=None, **fields) -> MonthlyPlan:
    """Move the plan to ``to`` (already checked by the caller's policy), recording the step in the audit trail."""
    before = plan.get_status_display()
    plan.status = to
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=["status", *fields])
    audit.record(
        actor=user,
        action=Action.WORKFLOW,
        obj=plan,
        organization=plan.organization_id,
        changes={"status": [before, plan.get_status_display()]},
        note=note,
        request=request,
    )
    return plan


def _locked(plan: MonthlyPlan) -> MonthlyPlan:
    return MonthlyPlan.objects.select_for_update().select_related("annual_plan").get(pk=plan.pk)


def file_plan(*, user: User, plan: MonthlyPlan, request=None) -> MonthlyPlan:
    with transaction.atomic():
        plan = _locked(plan)
        _ensure(policies.may_file(user, plan), "只有本区领导能报备草稿或退回的计划。")
        if not any(plan.quota(c) for c in CATEGORIES):
            raise PlanError("计划中各类抽取数都是0，不能报备。")
        if not plan.items.exists():
            raise PlanError("计划没有选择抽查事项，不能报备。")
        return _transition(
            user=user, plan=plan, to=MonthlyPlan.Status.FILED, note="报备市局", request=request, filed_at=timezone.now()
        )


def acknowledge_plan(*, user: User, plan: MonthlyPlan, request=None) -> MonthlyPlan:
    with transaction.atomic():
        plan = _locked(plan)
        _ensure(policies.may_review(user, plan), "只有市局复核人员能确认已报备的计划。")
        return _transition(
            user=user,
            plan=plan,
            to=MonthlyPlan.Status.ACKNOWLEDGED,
            note="市局确认备案",
            request=request,
            reviewed_at=timezone.now(),
            return_reason="",
        )


def return_plan(*, user: User, plan: MonthlyPlan, reason: str, request=None) -> MonthlyPlan:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "退回须填写理由。"})
    with transaction.atomic():
        plan = _locked(plan)
        _ensure(policies.may_review(user, plan), "只有市局复核人员能退回已报备的计划。")
        return _transition(
            user=user,
            plan=plan,
            to=MonthlyPlan.Status.RETURNED,
            note=f"市局退回：{reason}",
            request=request,
            reviewed_at=timezone.now(),
            return_reason=reason,
        )


def publish_plan(*, user: User, plan: MonthlyPlan, request=None) -> MonthlyPlan:
    with transaction.atomic():
        plan = _locked(plan)
        _ensure(policies.may_publish(user, plan), "只有本区领导能公开已备案的计划。")
        return _transition(
            user=user,
            plan=plan,
            to=MonthlyPlan.Status.PUBLISHED,
            note="向社会公开",
            request=request,
            published_at=timezone.now(),
        )


# --- draws -------------------------------------------------------------------------------------------


def fix_seed(*, user: User | None, plan: MonthlyPlan, seed: str, request=None) -> MonthlyPlan:
    """Publish the seed before the draw; it cannot change once a draw has used it."""
    seed = seed.strip()
    if not seed or len(seed) > 200:
        raise ValidationError({"seed": "随机种子须为1–200个字符，例如事先公布的某日上证指数收盘值。"})
    with transaction.atomic():
        plan = _locked(plan)
        if plan.draws.exists():
            raise PlanError("该计划已执行抽查，随机种子不能再修改。")
        if plan.status not in MonthlyPlan.DRAWABLE:
            raise PlanError("计划经市局确认备案后才能公布随机种子。")
        if user is not None:
            _ensure(policies.may_fix_seed(user, plan), "您不能为这个计划公布随机种子。")
        before = plan.seed
        plan.seed, plan.seed_fixed_at = seed, timezone.now()
        plan.save(update_fields=["seed", "seed_fixed_at"])
        audit.record(
            actor=user,
            action=Action.UPDATE,
            obj=plan,
            organization=plan.organization_id,
            changes={"seed": [before, seed]},
            note="公布随机种子",
            request=request,
        )
    return plan


def draw_seed(plan: MonthlyPlan, number: int) -> str:
    """The plan's identity, the published value and the draw's number: a redraw never repeats its predecessor."""
    return f"{plan.organization.code}/{plan.year}-{plan.month:02d}/plan-{plan.pk}/draw-{number}/{plan.seed}"


def _taken_in_period(plan: MonthlyPlan, start: date, end: date) -> set[str]:
    """Sources checked in [start, end], or drawn there by another plan's current draw: not drawn again."""
    checked = Inspection.objects.filter(organization=plan.organization, inspected_on__range=(start, end)).values_list(
        "source__credit_code", flat=True
    )
    drawn = (
        DrawTask.objects.filter(
            organization=plan.organization,
            draw__replaced_by__isnull=True,
            draw__plan__annual_plan__year=plan.year,
            draw__plan__month__range=(start.month, end.month),
        )
        .exclude(draw__plan=plan)
        .values_list("source__credit_code", flat=True)
    )
    return set(checked) | set(drawn)


def build_input(plan: MonthlyPlan, *, seed: str) -> tuple[pure.DrawInput, dict]:
    """The draw's inputs from the database, and the names of every key for the printed record."""
    org = plan.organization
    sources = {c: {} for c in CATEGORIES}
    for pk, code, name, category in PollutionSource.objects.filter(organization=org).values_list(
        "pk", "credit_code", "name", "category"
    ):
        sources[category][code] = (pk, name)
    positive = set(
        PollutionSource.objects.filter(
            organization=org, supervision__positive_from__lte=plan.ends_on, supervision__positive_to__gte=plan.starts_on
        ).values_list("credit_code", flat=True)
    )
    eligible, excluded, taken = {}, {}, {}
    for category in CATEGORIES:
        start, end = category_period(plan.annual_plan, category, plan.month)
        if (start, end) not in taken:
            taken[(start, end)] = _taken_in_period(plan, start, end)
        checked = taken[(start, end)]
        eligible[category] = pure.eligible(sources[category], positive_list=positive, checked_in_period=checked)
        mine = set(sources[category])
        excluded[pure.CATEGORY_LABELS[category]] = {
            "positive": len(positive & mine),
            "checked": len(checked & mine),
        }
    items = {c: tuple(i.code for i in plan.items.all() if i.active and i.applies_to(c)) for c in CATEGORIES}
    officers = certified_in_post(organization=org, starts_on=plan.starts_on, ends_on=plan.ends_on)
    draw_input = pure.DrawInput(
        seed=seed,
        quotas={c: plan.quota(c) for c in CATEGORIES},
        sources=eligible,
        items=items,
        officers=tuple(o.key for o in officers),
        avoid=tuple(relation_pairs(plan)),
        team_size=plan.team_size,
    )
    labels = {
        "organization": org.name,
        "plan": str(plan),
        "sources": {
            code: name for c in CATEGORIES for code, (_, name) in sources[c].items() if code in set(eligible[c])
        },
        "items": {i.code: i.name for i in plan.items.all()},
        "officers": {o.key: o.name for o in officers},
        "excluded": excluded,
    }
    return draw_input, labels


def run_draw(
    *,
    user: User | None,
    plan: MonthlyPlan,
    actor_name: str = "",
    replaces: Draw | None = None,
    reason: str = "",
    request=None,
) -> Draw:
    """Run the plan's draw (or, with ``replaces`` and a reason, a redraw). ``user`` None: a command, named by actor_name."""
    reason = reason.strip()
    if replaces is not None and not reason:
        raise ValidationError({"reason": "重新抽查须填写理由，原抽查记录将保留。"})
    with transaction.atomic():
        plan = _locked(plan)
        if user is not None:
            _ensure(policies.may_draw(user, plan), "您不能为这个计划执行抽查。")
        if plan.status not in MonthlyPlan.DRAWABLE:
            raise PlanError("计划经市局确认备案后才能抽查。")
        if not plan.seed:
            raise PlanError("请先公布随机种子，再执行抽查。")
        current = Draw.objects.filter(plan=plan, replaced_by__isnull=True).first()
        if replaces is None and current is not None:
            raise PlanError("该计划已经抽查过；如需重新抽查，请填写理由后重新抽查，原记录将保留。")
        if replaces is not None and (current is None or current.pk != replaces.pk):
            raise PlanError("只能重新抽查该计划当前有效的那次抽查。")
        number = (Draw.objects.filter(plan=plan).count()) + 1
        draw_input, labels = build_input(plan, seed=draw_seed(plan, number))
        try:
            result = pure.run(draw_input)
        except pure.DrawError as exc:
            raise PlanError(str(exc)) from None
        draw = Draw.objects.create(
            organization=plan.organization,
            plan=plan,
            number=number,
            algorithm=draw_input.algorithm,
            seed=draw_input.seed,
            inputs=draw_input.as_dict(),
            inputs_sha256=draw_input.sha256,
            list_hashes=draw_input.list_hashes,
            result=result.as_dict(),
            result_sha256=result.sha256,
            labels=labels,
            replaces=replaces,
            redraw_reason=reason,
            ran_by=user,
            ran_by_name=(actor_name or audit.actor_label(user) or "系统（命令行）")[:200],
        )
        source_ids = dict(
            PollutionSource.objects.filter(organization=plan.organization).values_list("credit_code", "pk")
        )
        item_ids = {i.code: i.pk for i in plan.items.all()}
        DrawTask.objects.bulk_create(
            DrawTask(
                organization=plan.organization,
                draw=draw,
                position=position,
                category=task.category,
                source_id=source_ids[task.source],
                item_id=item_ids[task.item],
                officer_keys=list(task.officers),
                officer_names="、".join(labels["officers"].get(k, k) for k in task.officers)[:300],
            )
            for position, task in enumerate(result.tasks, start=1)
        )
        audit.record(
            actor=user,
            actor_name=actor_name,
            action=Action.CREATE,
            obj=draw,
            organization=plan.organization_id,
            changes={"inputs_sha256": [None, draw.inputs_sha256], "result_sha256": [None, draw.result_sha256]},
            note=(f"重新抽查（取代第{replaces.number}次），理由：{reason}" if replaces else "执行双随机抽查")
            + f"；抽取{len(result.tasks)}家",
            request=request,
        )
    return draw


def refuse_draw_edit(draw: Draw) -> None:
    """Draws are never edited: the record anyone verifies must be the one that ran."""
    raise PlanError(f"{draw}已执行，抽查记录不能修改；如有错误，请填写理由重新抽查，原记录将保留。")


def organization_for_command(code: str) -> Organization:
    try:
        return Organization.objects.get(code=code)
    except Organization.DoesNotExist:
        raise PlanError(f"没有机构代码为“{code}”的机构。") from None


def import_categories(*, user: User, data: bytes, filename: str, request=None) -> int:
    """Set every listed source's category, reason and 正面清单 in one transaction; returns how many rows."""
    if not policies.may_set_categories(user):
        raise PermissionDenied("您不能设置检查对象的监管类别。")
    organization = user.organization
    sources = {s.credit_code: s for s in PollutionSource.objects.filter(organization=organization)}
    rows = categories.parse(data, codes=set(sources))
    with transaction.atomic():
        changed = 0
        existing = {s.source_id: s for s in SourceSupervision.objects.filter(organization=organization)}
        for row in rows:
            source = sources[row.credit_code]
            if source.category != row.category:
                PollutionSource.objects.filter(pk=source.pk).update(category=row.category, version=F("version") + 1)
                changed += 1
            supervision = existing.get(source.pk) or SourceSupervision(source=source, organization=organization)
            supervision.special_reason = row.reason
            supervision.positive_from, supervision.positive_to = row.positive_from, row.positive_to
            supervision.full_clean(validate_unique=False)
            supervision.save()
        audit.record(
            actor=user,
            action=AuditEvent.Action.IMPORT,
            organization=organization,
            changes={"rows": [None, len(rows)], "category_changed": [None, changed]},
            note=f"导入监管类别工作簿“{filename[:100]}”：{len(rows)}家，其中{changed}家类别改变",
            request=request,
        )
    return len(rows)
