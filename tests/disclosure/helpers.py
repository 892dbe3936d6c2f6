"""Cases ready for 执法公示, as the tests of the disclosure app need them."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from inspections.models import PartyKind, PenaltyCase
from tests.inspections.records_helpers import Make

ID_NUMBER = "310105198807141234"
PHONE = "13912345678"
ADDRESS = "长宁区仙霞路999弄88号1201室"


def ready_case(make: Make, *, decided: date | None = None, **kw) -> PenaltyCase:
    """A fined decision with everything publication needs; ``decided`` defaults to 10 days ago."""
    decided = decided or timezone.localdate() - timedelta(days=10)
    n = make._next()
    defaults = {
        "decision_document_number": f"长环罚〔{decided.year}〕{n}号",
        "penalty_legal_basis": "《中华人民共和国大气污染防治法》第一百零八条第一项",
        "violation_facts": "未按规定安装大气污染防治设施。",
        "party_kind": PartyKind.LEGAL_ENTITY,
    }
    defaults.update(kw)
    return make.case(decided - timedelta(days=30), decided, "fined", "50000", **defaults)


def person_case(make: Make, **kw) -> PenaltyCase:
    """A natural person with an identity number, a phone and an address in the record."""
    values = {
        "party_kind": PartyKind.NATURAL_PERSON,
        "party_name": "欧阳娜娜",
        "party_id_number": ID_NUMBER,
        "party_phone": PHONE,
        "party_address": ADDRESS,
        "violation_facts": "欧阳娜娜在居民区露天焚烧废弃物。",
    }
    return ready_case(make, **{**values, **kw})
