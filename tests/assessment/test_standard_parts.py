"""The one write path for admin edits of a standard: saved and audited while a draft, refused once published."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.models import Indicator, Standard, System
from assessment.services import AssessmentError
from assessment.services import standard as standard_services
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(standard, adam) -> Standard:
    return standard_services.copy_standard(standard=standard, actor=adam)


def test_an_indicator_of_a_draft_is_saved_and_audited(draft, adam):
    indicator = Indicator.objects.filter(system__standard=draft).first()
    indicator.name = "新的名称"
    standard_services.save_standard_part(part=indicator, actor=adam)
    assert Indicator.objects.get(pk=indicator.pk).name == "新的名称"
    event = AuditEvent.objects.filter(object_type="assessment.indicator", object_id=str(indicator.pk)).get()
    assert event.action == AuditEvent.Action.UPDATE and "新的名称" in str(event.changes)


def test_a_published_standard_refuses_every_part(standard, adam):
    indicator = Indicator.objects.filter(system__standard=standard).first()
    before = indicator.max_score
    indicator.max_score = before + Decimal("1")
    for part in (indicator, indicator.system, standard):
        with pytest.raises(AssessmentError, match="已发布"):
            standard_services.save_standard_part(part=part, actor=adam)
        with pytest.raises(AssessmentError, match="已发布"):
            standard_services.delete_standard_part(part=part, actor=adam)
    assert Indicator.objects.get(pk=indicator.pk).max_score == before
    assert standard_services.is_frozen(indicator) and standard_services.is_frozen(indicator.system)


def test_nothing_moves_into_a_published_standard(standard, draft, adam):
    system = System.objects.filter(standard=draft).first()
    system.standard = standard
    with pytest.raises(AssessmentError, match="已发布"):
        standard_services.save_standard_part(part=system, actor=adam)
    assert System.objects.get(pk=system.pk).standard_id == draft.pk


def test_a_draft_part_is_deleted_with_an_event_first(draft, adam):
    system = System.objects.filter(standard=draft).first()
    standard_services.delete_standard_part(part=system, actor=adam)
    assert not System.objects.filter(pk=system.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_type="assessment.system").exists()
    assert not standard_services.is_frozen(draft)
