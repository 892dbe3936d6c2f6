"""Every write to enforcement records: one function per change, atomic, keyword-only arguments.

Callers (views, commands, the task worker) have scoped objects to the user's organisation; these
functions check the role and the rules.
"""

from inspections.services.imports import run_ledger_import_job, start_ledger_import
from inspections.services.ledger import ImportSummary, import_ledger
from inspections.services.records import RecordError, StaleRecord, delete_record, save_record

__all__ = [
    "ImportSummary",
    "RecordError",
    "StaleRecord",
    "delete_record",
    "import_ledger",
    "run_ledger_import_job",
    "save_record",
    "start_ledger_import",
]
