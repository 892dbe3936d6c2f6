"""The one reviewed list of what the public site may show, per model.

Every concrete field of every model below is either PUBLIC (it may appear on a public page, in the feed or in an
open-data download) or PRIVATE (it never may). tests/disclosure/test_public_fields.py fails when one of these
models gains a field that is on neither list, so a new field is private until someone decides otherwise here.

The public site reads only ``PenaltyPublication`` (a masked snapshot), ``BureauContact`` and ``Organization``;
``PenaltyCase`` and ``PollutionSource`` are listed because publishing copies from them: ``services.publish``
copies nothing that is not public here.
"""

from __future__ import annotations

from django.apps import apps

# app_label.ModelName → field names
PUBLIC: dict[str, frozenset[str]] = {
    "inspections.PenaltyCase": frozenset(
        {
            "party_kind",
            "party_name",  # masked for persons (disclosure/masking.py)
            "violation_type",
            "violation_facts",  # searched for private numbers and the person's name masked in it
            "decision_document_number",
            "penalty_legal_basis",
            "penalty_content",
            "outcome",
            "fine_yuan",
            "decided_on",
        }
    ),
    "inspections.PollutionSource": frozenset({"name", "credit_code"}),
    "disclosure.PenaltyPublication": frozenset(
        {
            "id",
            "organization",  # its name: the deciding authority's district
            "number",
            "supersedes",
            "correction_note",
            "published_at",
            "decision_number",
            "party_kind",
            "party_name",
            "credit_code",
            "violation",
            "violation_facts",
            "legal_basis",
            "outcome",
            "penalty",
            "fine_yuan",
            "decided_on",
            "authority",
            "withdrawable_from",
            "expires_on",
        }
    ),
    "disclosure.BureauContact": frozenset({"organization", "address", "phone", "email", "office_hours"}),
    "accounts.Organization": frozenset({"code", "name", "short_name"}),
    # 双随机、一公开: published monthly plans (and the seed they were drawn with) and the draws' results
    "plans.MonthlyPlan": frozenset(
        {
            "organization",
            "annual_plan",
            "month",
            "quota_key",
            "quota_general",
            "quota_special",
            "team_size",
            "items",
            "seed",
            "seed_fixed_at",
            "published_at",
        }
    ),
    "plans.CheckItem": frozenset({"code", "name"}),
    # a result: which source (its public name and credit code), when, found or not; never the findings' text
    "inspections.Inspection": frozenset({"source", "inspected_on", "result"}),
    # 三项制度: who enforces, with which certificate (执法主体与人员 page)
    "inspections.Officer": frozenset(
        {"organization", "name", "certificate_number", "certificate_valid_from", "certificate_valid_to"}
    ),
}

PRIVATE: dict[str, frozenset[str]] = {
    "inspections.PenaltyCase": frozenset(
        {
            "id",
            "organization",
            "case_number",  # the bureau's internal file number; the public one is the decision number
            "source",
            "department",
            "filed_on",
            "closed_on",
            "transferred_to_police",
            "party_id_number",
            "party_phone",
            "party_address",
            "version",
            "created_at",
            # the procedure (立案 → … → 结案): the bureau's own file, not part of what 执法公示 publishes
            "investigation_ended_on",
            "is_major",
            "legal_reviewer",
            "legal_reviewed_on",
            "notified_on",
            "statement_made",
            "hearing_requested",
            "hearing_on",
            "extension_days",
            "extension_reason",
            "delivered_on",
            "paid_yuan",
            "paid_on",
            "surcharge_yuan",
            "exemption_ground",
            "exemption_item",
            "transferred_on",
            "transferred_to",
        }
    ),
    "inspections.PollutionSource": frozenset(
        {"id", "organization", "address", "industry", "category", "version", "created_at"}
    ),
    "disclosure.PenaltyPublication": frozenset({"case", "published_by"}),
    "disclosure.BureauContact": frozenset({"id"}),
    "accounts.Organization": frozenset({"id", "kind", "parent"}),
    "plans.MonthlyPlan": frozenset({"id", "note", "status", "return_reason", "created_at", "filed_at", "reviewed_at"}),
    "plans.CheckItem": frozenset(
        {"id", "organization", "legal_basis", "for_key", "for_general", "for_special", "active"}
    ),
    "inspections.Inspection": frozenset({"id", "organization", "dispatch", "findings", "version", "created_at"}),
    # the department, status and account are the bureau's internal organisation; only serving, certified
    # officers are listed at all
    "inspections.Officer": frozenset({"id", "department", "status", "user", "version", "created_at"}),
}


def concrete_field_names(label: str) -> set[str]:
    """The model's own columns and its many-to-many fields."""
    model = apps.get_model(label)
    return {field.name for field in [*model._meta.concrete_fields, *model._meta.many_to_many]}


def public(label: str, name: str) -> bool:
    return name in PUBLIC[label]
