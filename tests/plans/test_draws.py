"""Draws through the page and the service: eligibility, 回避, redraw with a reason, nothing editable after."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from inspections.models import PollutionSource
from plans import services
from plans.models import Draw, DrawTask, MonthlyPlan, OfficerRelation, SourceSupervision
from tests.plans import helpers


@pytest.fixture
def plan(changning, make):
    return helpers.ready(changning, make)


def run(client, user, plan):
    client.force_login(user)
    return client.post(reverse("plans:draw-run", args=[plan.pk]))


def test_staff_run_the_draw_and_see_the_tasks(client, alice, plan):
    response = run(client, alice, plan)
    draw = Draw.objects.get()
    assert response.url == reverse("plans:draw-detail", args=[draw.pk])
    tasks = list(draw.tasks.select_related("source"))
    assert [t.category for t in tasks] == ["general", "general", "key", "key"]
    assert all(len(t.officer_keys) == 2 for t in tasks)
    assert draw.seed.endswith(f"/plan-{plan.pk}/draw-1/3356.88")
    assert draw.ran_by == alice
    got = client.get(response.url)
    page = got.content.decode()
    assert got.status_code == 200, page[-3000:]
    assert draw.inputs_sha256 in page and tasks[0].source.name in page and "已逾期" in page  # March 2026 is past
    event = AuditEvent.objects.get(object_type="plans.draw")
    assert event.actor == alice and "抽取4家" in event.note and draw.result_sha256 in str(event.changes)


def test_the_draw_is_reproducible_from_its_stored_inputs(plan, alice):
    draw = services.run_draw(user=alice, plan=plan)
    from plans import draw as pure

    assert pure.run(pure.DrawInput.from_dict(draw.inputs)).as_dict() == draw.result


def test_positive_list_and_already_checked_sources_are_not_drawn(changning, make, alice):
    plan = helpers.ready(changning, make, quota_key=4, quota_general=0)
    keys = list(PollutionSource.objects.filter(organization=changning, category="key").order_by("pk"))
    SourceSupervision.objects.create(
        source=keys[0], organization=changning, positive_from=date(2026, 1, 1), positive_to=date(2026, 12, 31)
    )
    make.inspection(date(2026, 2, 20), source=keys[1])  # checked in the same quarter (重点: per quarter)
    draw = services.run_draw(user=alice, plan=plan)
    drawn = set(draw.tasks.values_list("source_id", flat=True))
    assert drawn == {s.pk for s in keys[2:]}
    assert draw.labels["excluded"]["重点监管对象"] == {"positive": 1, "checked": 1}


def test_a_category_with_too_few_sources_is_refused_and_nothing_is_written(client, changning, make, alice):
    plan = helpers.ready(changning, make, quota_special=1)
    response = run(client, alice, plan)
    assert "特殊监管对象没有可抽取的检查对象" in client.get(response.url).content.decode()
    assert not Draw.objects.exists() and not AuditEvent.objects.filter(object_type="plans.draw").exists()


def test_too_few_certified_officers_is_refused(client, changning, make, alice):
    plan = helpers.ready(changning, make)
    from inspections.models import Officer

    Officer.objects.exclude(pk=Officer.objects.first().pk).update(status=Officer.Status.TRANSFERRED)
    response = run(client, alice, plan)
    assert "持证在岗的执法人员只有1名，少于每组2名" in client.get(response.url).content.decode()
    assert not Draw.objects.exists()


def test_expired_certificates_are_not_in_the_roster(changning, make, alice):
    plan = helpers.ready(changning, make)
    from inspections.models import Officer

    expired = Officer.objects.create(
        organization=changning,
        name="过期",
        certificate_number="EXP1",
        certificate_valid_from=date(2020, 1, 1),
        certificate_valid_to=date(2026, 3, 15),
    )
    draw = services.run_draw(user=alice, plan=plan)
    assert expired.certificate_number not in draw.inputs["officers"]
    assert len(draw.inputs["officers"]) == 6


def test_marked_relations_and_last_months_sources_are_avoided(changning, make, alice):
    march = helpers.ready(changning, make, month=3)
    first = services.run_draw(user=alice, plan=march)
    from inspections.models import Officer

    officer = Officer.objects.get(certificate_number="CH0000")
    source = PollutionSource.objects.filter(organization=changning).first()
    OfficerRelation.objects.create(organization=changning, officer=officer, source=source, reason="亲属任职")
    april = helpers.monthly(changning, 4, plan=march.annual_plan, status=MonthlyPlan.Status.ACKNOWLEDGED)
    april.seed = "x"
    april.save()
    second = services.run_draw(user=alice, plan=april)
    avoid = {tuple(p) for p in second.inputs["avoid"]}
    assert ("CH0000", source.credit_code) in avoid
    for task in first.tasks.select_related("source"):
        for key in task.officer_keys:
            assert (key, task.source.credit_code) in avoid
    for task in second.tasks.select_related("source"):
        assert not any((k, task.source.credit_code) in avoid for k in task.officer_keys)


def test_a_second_draw_needs_the_redraw_with_a_reason_and_both_stay(client, alice, plan):
    first = services.run_draw(user=alice, plan=plan)
    with pytest.raises(services.PlanError, match="已经抽查过"):
        services.run_draw(user=alice, plan=plan)
    client.force_login(alice)
    response = client.post(reverse("plans:redraw", args=[first.pk]), {"reason": ""})
    assert "重新抽查须填写理由" in client.get(response.url).content.decode()
    assert Draw.objects.count() == 1
    response = client.post(reverse("plans:redraw", args=[first.pk]), {"reason": "执法人员张三临时调岗"})
    second = Draw.objects.get(number=2)
    assert response.url == reverse("plans:draw-detail", args=[second.pk])
    assert second.replaces == first and second.redraw_reason == "执法人员张三临时调岗"
    assert second.seed != first.seed and second.result_sha256 != first.result_sha256
    assert DrawTask.objects.filter(draw=first).count() == 4  # the first draw's record is kept whole
    assert "已被第2次取代" in client.get(reverse("plans:draw-detail", args=[first.pk])).content.decode()
    assert AuditEvent.objects.filter(note__startswith="重新抽查（取代第1次），理由：执法人员张三临时调岗").exists()
    # only the current draw can be redrawn
    with pytest.raises(services.PlanError, match="只能重新抽查该计划当前有效的那次抽查"):
        services.run_draw(user=alice, plan=plan, replaces=first, reason="再来")


def test_the_seed_cannot_change_after_a_draw(client, alice, plan):
    services.run_draw(user=alice, plan=plan)
    with pytest.raises(services.PlanError, match="随机种子不能再修改"):
        services.fix_seed(user=alice, plan=plan, seed="another")
    plan.refresh_from_db()
    assert plan.seed == "3356.88"


def test_a_draw_cannot_be_edited(plan, alice):
    draw = services.run_draw(user=alice, plan=plan)
    with pytest.raises(services.PlanError, match="抽查记录不能修改"):
        services.refuse_draw_edit(draw)


def test_no_draw_before_the_city_acknowledges_or_without_a_seed(client, changning, make, alice):
    draft = helpers.monthly(changning, 5, status=MonthlyPlan.Status.FILED)
    with pytest.raises(services.PlanError, match="确认备案后才能抽查"):
        services.run_draw(user=None, plan=draft)
    plan = helpers.ready(changning, make, seed="")
    with pytest.raises(services.PlanError, match="请先公布随机种子"):
        services.run_draw(user=alice, plan=plan)


def test_drawn_tasks_are_completed_by_an_inspection_in_the_month_and_overdue_after(
    client, changning, make, alice, plan
):
    draw = services.run_draw(user=alice, plan=plan)
    done, late, early = list(draw.tasks.order_by("position"))[:3]
    make.inspection(date(2026, 3, 20), source=done.source, result="violation")
    make.inspection(date(2026, 4, 2), source=late.source)  # after the month: does not complete it
    from plans.selectors import task_progress

    states = {p.task.pk: p.state for p in task_progress(draw, today=date(2026, 4, 5))}
    assert states[done.pk] == "已完成" and states[late.pk] == "已逾期" and states[early.pk] == "已逾期"
    states = {p.task.pk: p.state for p in task_progress(draw, today=date(2026, 3, 25))}
    assert states[late.pk] == "待检查"


def test_it_checks_ownership(client, bob, plan, alice):
    draw = services.run_draw(user=alice, plan=plan)
    client.force_login(bob)
    for name, pk in (("draw-run", plan.pk), ("seed", plan.pk), ("redraw", draw.pk)):
        assert client.post(reverse(f"plans:{name}", args=[pk]), {"reason": "x", "seed": "x"}).status_code == 404
    for name in ("draw-detail", "draw-pdf", "draw-xlsx", "draw-json"):
        assert client.get(reverse(f"plans:{name}", args=[draw.pk])).status_code == 404
    assert Draw.objects.count() == 1


def test_sources_drawn_by_another_plan_of_the_period_are_not_drawn_again(changning, make, alice):
    march = helpers.ready(changning, make, quota_key=3, quota_general=0)
    first = set(services.run_draw(user=alice, plan=march).tasks.values_list("source__credit_code", flat=True))
    february = helpers.monthly(
        changning, 2, plan=march.annual_plan, status=MonthlyPlan.Status.ACKNOWLEDGED, quota_key=3, quota_general=0
    )
    february.seed = "y"
    february.save()
    second = services.run_draw(user=alice, plan=february)
    assert not first & set(second.inputs["sources"]["key"])  # the same quarter: 重点 rates count per quarter
    assert len(second.inputs["sources"]["key"]) == 3
