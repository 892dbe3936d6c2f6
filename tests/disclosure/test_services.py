"""Publishing, correcting and withdrawing: the rules, the audit trail, and what the public then sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from disclosure import periods, selectors, services
from disclosure.models import PenaltyPublication, PenaltyWithdrawal
from tests.disclosure.helpers import ready_case
from tests.inspections.records_helpers import Make


@pytest.fixture
def make(changning) -> Make:
    return Make(changning)


def visible(today=None):
    return list(PenaltyPublication.objects.visible(today=today or timezone.localdate()))


def test_a_leader_publishes_and_who_and_when_are_recorded(make, lea):
    case = ready_case(make)
    publication = services.publish(case=case, user=lea)
    assert publication.published_by == lea
    assert publication.number == 1
    assert publication.authority == "上海市长宁区生态环境局"
    assert publication.expires_on == periods.add_months(case.decided_on, 36)
    assert visible() == [publication]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PUBLISH, object_id=str(publication.pk))
    assert event.actor == lea


def test_only_a_leader_of_the_district_publishes(make, alice, bella):
    case = ready_case(make)
    for user in (alice, bella):
        with pytest.raises(services.DisclosureError):
            services.publish(case=case, user=user)
    assert not PenaltyPublication.objects.exists()


def test_a_case_is_published_once(make, lea):
    case = ready_case(make)
    services.publish(case=case, user=lea)
    with pytest.raises(services.DisclosureError, match="已经公示"):
        services.publish(case=case, user=lea)


def test_missing_fields_are_named_together(make, lea):
    case = ready_case(make, decision_document_number="", penalty_legal_basis="")
    with pytest.raises(services.DisclosureError) as error:
        services.publish(case=case, user=lea)
    assert "处罚决定书文号" in str(error.value) and "处罚依据" in str(error.value)


def test_a_phone_number_typed_into_the_facts_is_refused(make, lea):
    case = ready_case(make, violation_facts="联系人电话13812345678。")
    with pytest.raises(services.DisclosureError, match="手机号码"):
        services.publish(case=case, user=lea)


def test_a_correction_publishes_a_new_version_and_the_old_says_so(make, lea):
    case = ready_case(make)
    first = services.publish(case=case, user=lea)
    with pytest.raises(services.DisclosureError, match="相同"):
        services.correct(publication=first, user=lea, note="无变化")
    case.penalty_legal_basis = "《中华人民共和国大气污染防治法》第九十九条"
    case.save()
    second = services.correct(publication=first, user=lea, note="处罚依据条款有误")
    first.refresh_from_db()
    assert second.number == 2 and second.supersedes == first and first.correction == second
    assert first.legal_basis.endswith("第一百零八条第一项")  # the old version is never changed
    assert visible() == [second]
    assert selectors.public_item(first.pk, today=timezone.localdate()) == first  # still reachable, says corrected
    with pytest.raises(services.DisclosureError, match="已被更正"):
        services.correct(publication=first, user=lea, note="再改")


def test_credit_repair_needs_three_months_grounds_and_the_leader(make, lea, alice):
    recent = services.publish(case=ready_case(make), user=lea)
    with pytest.raises(services.DisclosureError, match="满三个月"):
        services.withdraw_for_credit_repair(
            publication=recent, user=lea, grounds="已履行", applied_on=timezone.localdate()
        )
    old = services.publish(case=ready_case(make, decided=timezone.localdate() - timedelta(days=100)), user=lea)
    with pytest.raises(services.DisclosureError, match="理由"):
        services.withdraw_for_credit_repair(publication=old, user=lea, grounds=" ", applied_on=timezone.localdate())
    with pytest.raises(services.DisclosureError, match="领导"):
        services.withdraw_for_credit_repair(
            publication=old, user=alice, grounds="已履行", applied_on=timezone.localdate()
        )
    withdrawal = services.withdraw_for_credit_repair(
        publication=old, user=lea, grounds="已缴清罚款并完成整改，当事人申请信用修复", applied_on=timezone.localdate()
    )
    assert withdrawal.approved_by == lea and withdrawal.reason == PenaltyWithdrawal.Reason.CREDIT_REPAIR
    assert visible() == [recent]
    assert selectors.public_item(old.pk, today=timezone.localdate()) is None
    assert PenaltyPublication.objects.filter(pk=old.pk).exists()  # kept for the audit trail
    event = AuditEvent.objects.get(object_type="disclosure.penaltywithdrawal", object_id=str(withdrawal.pk))
    assert event.actor == lea and "已缴清罚款" in str(event.changes)
    with pytest.raises(services.DisclosureError, match="已撤下"):
        services.correct(publication=old, user=lea, note="x")


def test_at_the_maximum_it_is_hidden_at_once_and_withdrawn_by_the_command(make, lea):
    today = timezone.localdate()
    # decided 3 years ago less 2 days: published today, expires in 2 days
    decided = periods.add_months(today, -36) + timedelta(days=2)
    publication = services.publish(case=ready_case(make, decided=decided), user=lea)
    assert publication.expires_on == today + timedelta(days=2)
    assert visible(today + timedelta(days=1)) == [publication]
    # the day it expires, before any command has run: gone from every public read
    assert visible(publication.expires_on) == []
    assert selectors.public_item(publication.pk, today=publication.expires_on) is None
    assert selectors.open_data(today=publication.expires_on) == []
    assert services.withdraw_expired(on=publication.expires_on - timedelta(days=1)) == 0
    assert services.withdraw_expired(on=publication.expires_on) == 1
    assert services.withdraw_expired(on=publication.expires_on) == 0  # once
    withdrawal = PenaltyWithdrawal.objects.get(case=publication.case)
    assert withdrawal.reason == PenaltyWithdrawal.Reason.EXPIRED and withdrawal.approved_by is None
    assert AuditEvent.objects.filter(object_type="disclosure.penaltywithdrawal").count() == 1


def test_a_decision_past_its_maximum_is_not_published(make, lea):
    case = ready_case(make, decided=periods.add_months(timezone.localdate(), -36))
    with pytest.raises(services.DisclosureError, match="三年"):
        services.publish(case=case, user=lea)


def test_the_desk_lists_decisions_due_within_two_working_days_or_overdue(make, changning):
    today = timezone.localdate()
    overdue = ready_case(make, decided=today - timedelta(days=30))
    fresh = ready_case(make, decided=today)
    total, due = selectors.due_decisions(changning.pk, today=today)
    assert [d.case for d in due] == [overdue] and total == 1 and due[0].overdue
    assert fresh not in [d.case for d in due]
