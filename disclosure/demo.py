"""Demo data for 执法公示 (run by seed_demo): each district's public contact, and in 长宁区 one decision already
published (a natural person, to show the masking) and one waiting for the leader to publish.

The demo's own 2023 decisions are past the 3-year maximum by now, so these two are dated from the day the demo is
seeded. They go in through the record form and ``save_record``, and are published through ``services.publish``,
as a bureau's own would be. Contact details are marked as demo data: they are not the bureau's real ones.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Organization, User
from disclosure import services
from disclosure.models import BureauContact
from inspections.forms import PenaltyCaseForm
from inspections.models import PenaltyCase, PollutionSource
from inspections.services import save_record

CONTACTS = {
    "changning": ("上海市长宁区（演示地址）", "021-0000 0001（演示号码）"),
    "xuhui": ("上海市徐汇区（演示地址）", "021-0000 0002（演示号码）"),
}
# the credit code of a 长宁区 demo pollution source is looked up, not invented here
WAITING = {
    "case_number": "长环罚〔演示〕待公示1号",
    "decision_document_number": "长环罚〔演示〕101号",
    "party_kind": PenaltyCase.PartyKind.LEGAL_ENTITY,
    "violation_type": "废气超标排放",
    "violation_facts": "在线监测数据显示颗粒物排放浓度超过排放标准。",
    "penalty_legal_basis": "《中华人民共和国大气污染防治法》第九十九条第二项",
    "fine_yuan": "120000",
}
PUBLISHED = {
    "case_number": "长环罚〔演示〕已公示1号",
    "decision_document_number": "长环罚〔演示〕100号",
    "party_kind": PenaltyCase.PartyKind.NATURAL_PERSON,
    "party_name": "王建国",
    "party_id_number": "310105197001011234",
    "party_phone": "13800000000",
    "party_address": "上海市长宁区（演示住址）",
    "violation_type": "露天焚烧",
    "violation_facts": "王建国在居住区露天焚烧废弃物。",
    "penalty_legal_basis": "《中华人民共和国大气污染防治法》第一百一十九条第二款",
    "fine_yuan": "2000",
}


def seed_disclosure(*, scorer: User, leader: User, organizations: list[Organization]) -> list[str]:
    """Returns what it did, for the command's output. Running it again adds nothing."""
    done = []
    for org in organizations:
        if org.code in CONTACTS and not BureauContact.objects.filter(organization=org).exists():
            address, phone = CONTACTS[org.code]
            contact = BureauContact(organization=org, address=address, phone=phone, office_hours="工作日 9:00–17:00")
            services.save_contact(contact=contact, user=None)
            done.append(f"公示联系方式：{org.short_name}")
    org = scorer.organization
    source = PollutionSource.objects.filter(organization=org).order_by("pk").first()
    if source is None:
        return done
    today = timezone.localdate()
    for values, days_ago, publish in ((PUBLISHED, 12, True), (WAITING, 3, False)):
        if PenaltyCase.objects.filter(organization=org, case_number=values["case_number"]).exists():
            continue
        decided = today - timedelta(days=days_ago)
        data = {
            **values,
            "source_code": source.credit_code,
            "filed_on": (decided - timedelta(days=40)).isoformat(),
            "decided_on": decided.isoformat(),
            "outcome": PenaltyCase.Outcome.FINED,
        }
        form = PenaltyCaseForm(data, organization=org)
        if not form.is_valid():
            raise ValueError(f"演示处罚案件无效：{form.errors.as_text()}")
        case = save_record(user=scorer, form=form)
        if publish:
            services.publish(case=case, user=leader)
        done.append(f"行政处罚案件：{case.case_number}（{'已公示' if publish else '待公示'}）")
    return done
