"""Every write on the assessment app's models, one module per concern:

- ``standard``: load a standard file, publish it (then frozen), copy it to a new draft version;
- ``scores``: one indicator's score from the scoring page, or many from an uploaded 评分表;
- ``evidence``: files attached to a score;
- ``workflow``: open a self-assessment, submit, return, approve.

Each function is atomic, takes keyword-only arguments and is audited through ``audit.services``. The names below
are the app's service API, so that callers may write ``from assessment import services``.
"""

from assessment.services.common import AssessmentError, when_text
from assessment.services.evidence import EVIDENCE_TYPES, check_evidence_file, remove_evidence
from assessment.services.scores import (
    ImportedRow,
    ScoreImportError,
    StaleScore,
    import_scores,
    rule_score,
    save_score,
)
from assessment.services.standard import (
    StandardNotPublishable,
    copy_standard,
    ensure_standard_editable,
    load_standard,
    publish_standard,
)
from assessment.services.workflow import (
    DuplicateAssessment,
    allowed_moves,
    assessment_unscored_count,
    create_self_assessment,
    move_assessment,
)

__all__ = [
    "EVIDENCE_TYPES",
    "AssessmentError",
    "DuplicateAssessment",
    "ImportedRow",
    "ScoreImportError",
    "StaleScore",
    "StandardNotPublishable",
    "allowed_moves",
    "assessment_unscored_count",
    "check_evidence_file",
    "copy_standard",
    "create_self_assessment",
    "ensure_standard_editable",
    "import_scores",
    "load_standard",
    "move_assessment",
    "publish_standard",
    "remove_evidence",
    "rule_score",
    "save_score",
    "when_text",
]
