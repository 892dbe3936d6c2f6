from assessment.models.selfassessment import (
    Evidence,
    RuleCount,
    Score,
    SelfAssessment,
    WorkflowEvent,
    evidence_upload_to,
)
from assessment.models.standard import Grade, Indicator, RuleItem, Standard, System
from assessment.reports.models import (
    IssuedReport,
    Report,
    ReportJob,
    ReportSection,
    SigningCredential,
)

__all__ = [
    "Evidence",
    "Grade",
    "Indicator",
    "IssuedReport",
    "Report",
    "ReportJob",
    "ReportSection",
    "RuleCount",
    "RuleItem",
    "Score",
    "SelfAssessment",
    "SigningCredential",
    "Standard",
    "System",
    "WorkflowEvent",
    "evidence_upload_to",
]
