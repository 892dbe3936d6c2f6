from assessment.models.selfassessment import (
    Evidence,
    RuleCount,
    Score,
    SelfAssessment,
    WorkflowEvent,
    evidence_upload_to,
)
from assessment.models.standard import Indicator, RuleItem, Standard, System

__all__ = [
    "Evidence",
    "Indicator",
    "RuleCount",
    "RuleItem",
    "Score",
    "SelfAssessment",
    "Standard",
    "System",
    "WorkflowEvent",
    "evidence_upload_to",
]
