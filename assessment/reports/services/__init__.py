"""Every write on reports, one module per concern:

- ``editing``: create the year's draft (or copy last year's), save the edit page;
- ``signoff``: the signing credential, 签发 (render, sign, freeze), corrections;
- ``jobs``: preview and 签发 runs in the task worker, with their progress.

The names below are the report feature's service API, so that callers may write
``from assessment.reports import services``.
"""

from assessment.reports.services.editing import (
    REPORT_FIELDS,
    SectionData,
    StaleReport,
    create_report,
    update_report,
)
from assessment.reports.services.jobs import fail_abandoned_jobs, request_job, run_job
from assessment.reports.services.signoff import (
    configure_credential,
    issue_report,
    set_seal_image,
    start_correction,
)

__all__ = [
    "REPORT_FIELDS",
    "SectionData",
    "StaleReport",
    "configure_credential",
    "create_report",
    "fail_abandoned_jobs",
    "issue_report",
    "request_job",
    "run_job",
    "set_seal_image",
    "start_correction",
    "update_report",
]
