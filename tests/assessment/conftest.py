import pytest

from assessment import scoring, services
from assessment.models import Indicator, SelfAssessment, Standard, WorkflowEvent
from assessment.standard_files import read_standard_file
from tests.conftest import STANDARD_FILE


@pytest.fixture
def standard(db) -> Standard:
    return services.load_standard(spec=read_standard_file(STANDARD_FILE))[0]


@pytest.fixture
def draft_2024(standard, changning) -> SelfAssessment:
    return services.create_self_assessment(organization=changning, year=2024, standard=standard)


@pytest.fixture
def xuhui_2024(standard, xuhui) -> SelfAssessment:
    return services.create_self_assessment(organization=xuhui, year=2024, standard=standard)


def score_all(assessment: SelfAssessment, user, value: str = "1") -> None:
    """Score every indicator (rule-based ones at full marks) so the assessment can be submitted."""
    for indicator in Indicator.objects.filter(system__standard_id=assessment.standard_id).prefetch_related(
        "rule_items"
    ):
        services.save_score(
            assessment=assessment,
            indicator=indicator,
            user=user,
            value=None if indicator.rule_items.all() else scoring.parse_score(value, indicator.max_score),
            justification="已落实。",
        )


@pytest.fixture
def submitted_2024(draft_2024, alice) -> SelfAssessment:
    score_all(draft_2024, alice)
    return services.move_assessment(assessment=draft_2024, user=alice, action=WorkflowEvent.Action.SUBMIT)


@pytest.fixture
def approved_2024(submitted_2024, lea) -> SelfAssessment:
    return services.move_assessment(assessment=submitted_2024, user=lea, action=WorkflowEvent.Action.APPROVE)
