"""The authorization matrix (issue 5, part 1): every URL of the product, every role, both districts.

The URL list is read from the resolver, so a URL without an entry in ``TABLE`` fails
``test_every_url_has_an_entry``, and an entry for a URL that no longer exists fails it too.

Each URL is requested, with GET and with POST, as: anonymous, alice (填报人 of 长宁区), lea (领导 of 长宁区),
adam (管理员, municipal bureau, is_staff), bob (填报人 of 徐汇区: for 长宁区's objects a user of another district)
and rita (市局复核); against 长宁区's objects and against 徐汇区's. For each, ``TABLE`` says what the code
answers, by the role's relation to the target district:

* ``scorer`` / ``leader``: a 填报人 / 领导 of the target district (alice or lea for 长宁区, bob for 徐汇区);
* ``other``: a district user of the other district (bob for 长宁区; alice and lea for 徐汇区);
* ``admin`` (adam) and ``reviewer`` (rita): municipal accounts, the same answer for both districts;
* ``anon``: not logged in.

An expected value is a status code, ``LOGIN`` (302 to the login page, with ``next``) or ``OK`` (the role is
allowed: 200, 302, 400 or 409 — the action may still be refused for business reasons, with a message).

Besides the status: no response to a user of another district (or to an anonymous one) contains the target
district's identifying data or bytes (its organisation name, record numbers, evidence and PDF bytes, ledger
errors), and the refused requests change nothing (the main tables and the media files are compared before
and after). The allowed POSTs run last, after that comparison.

Where the code's answer differs from what the issue demands, the case is listed in ``FINDINGS`` and checked by
``test_finding`` under ``xfail(strict=True)``; the main test skips exactly those cases.
"""

from __future__ import annotations

import hashlib
import html
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Organization, User
from assessment import scoring, services
from assessment.models import (
    Evidence,
    Indicator,
    IssuedReport,
    Report,
    ReportJob,
    ReportSection,
    RuleCount,
    RuleItem,
    Score,
    SelfAssessment,
    WorkflowEvent,
)
from assessment.reports import services as report_services
from assessment.standard_files import read_standard_file
from disclosure import services as disclosure_services
from disclosure.models import PenaltyPublication, PenaltyWithdrawal
from inspections.models import (
    CaseFileReview,
    CaseMeasure,
    Dispatch,
    DrillResult,
    Equipment,
    Inspection,
    LedgerImport,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
)
from plans.models import AnnualPlan, Campaign, CheckItem, Draw, DrawTask, MonthlyPlan, SourceSupervision
from tests.conftest import STANDARD_FILE
from tests.inspections.records_helpers import Make
from tests.plans.matrix_data import build_plans

# --- expectations ------------------------------------------------------------------------------------

LOGIN = "LOGIN"  # 302 to the login page, with ?next=
OK = "OK"  # allowed: 200, 302 (not to the login or second-factor page), 400 or 409
Expect = int | str

ROLES = ("anon", "alice", "lea", "adam", "bob", "rita")
HOME = {"alice": "changning", "lea": "changning", "bob": "xuhui"}
ROLE_KIND = {"alice": "scorer", "lea": "leader", "bob": "scorer", "adam": "admin", "rita": "reviewer"}
TARGETS = ("changning", "xuhui")


@dataclass(frozen=True)
class Rule:
    """The expected answer for each relation of a role to the target district."""

    scorer: Expect
    leader: Expect
    admin: Expect
    reviewer: Expect
    other: Expect = 404
    anon: Expect = LOGIN

    def expect(self, role: str, target: str | None) -> Expect:
        if role == "anon":
            return self.anon
        if role in HOME and target is not None and HOME[role] != target:
            return self.other
        return getattr(self, ROLE_KIND[role])


def everyone(status: Expect, anon: Expect = LOGIN) -> Rule:
    return Rule(status, status, status, status, other=status, anon=anon)


PUBLIC = everyone(200, anon=200)
POST_ONLY = everyone(405)  # login_required, then require_POST: anonymous users are sent to the login page first


def read(
    scorer: Expect = 200, leader: Expect = 200, admin: Expect = 404, reviewer: Expect = 200, other: Expect = 404
) -> Rule:
    """A page or download of one district's object, read through ``for_user``."""
    return Rule(scorer, leader, admin, reviewer, other)


def write(
    scorer: Expect = OK, leader: Expect = 403, admin: Expect = 404, reviewer: Expect = 403, other: Expect = 404
) -> Rule:
    """A change to one district's object: looked up through ``for_user`` (the reviewer finds it, then 403) or
    through ``writable_by`` (everyone outside the district gets 404)."""
    return Rule(scorer, leader, admin, reviewer, other)


@dataclass
class District:
    """One district's data: an object of every kind a URL names, and what must never leak from it."""

    org: Organization
    user: User
    assessment: SelfAssessment
    indicator: Indicator
    score: Score
    evidence: Evidence
    report: Report
    job: ReportJob
    issued: IssuedReport
    records: dict[str, models.Model]
    ledger_job: LedgerImport
    markers: list[str]  # text that identifies this district's data
    secrets: list[bytes]  # bytes of its files and PDFs
    publication: PenaltyPublication  # published, then withdrawn (信用修复): gone from the public site


Args = Callable[[District], list]
Query = Callable[[District], dict]


def _none(d: District) -> list:
    return []


def _no_query(d: District) -> dict:
    return {}


@dataclass(frozen=True)
class Entry:
    """How to request a URL and what every role gets.

    target: "object" (the URL names the target district's object), "org" (the district is chosen by a query
    parameter) or None (the URL names no district: requested once, district users answer as their own role).
    """

    get: Rule
    post: Rule
    target: str | None = "object"
    args: Args = _none
    query: Query = _no_query
    data: Query = _no_query
    label: str = ""
    # the public 执法公示 site names every district's bureau by design (its filter and its contact lines): there
    # the organisation's names are not a leak, everything else of the district still is
    public_names: bool = False
    # what else of the district such a public page shows by design (执法主体与人员: the officers' names and 执法证号)
    published: Callable[[District], list[str]] = lambda d: []


def obj(getter: Callable[[District], object]) -> Args:
    return lambda d: [getter(d).pk]


def by_org_code(d: District) -> dict:
    return {"org": d.org.code}


def by_org_pk(d: District) -> dict:
    return {"organization": d.org.pk}


def score_data(d: District) -> dict:
    prefix = f"i{d.indicator.pk}"
    return {f"{prefix}-score": "0.5", f"{prefix}-justification": "越权修改", f"{prefix}-version": d.score.version}


def altered_copy(d: District) -> dict:
    altered = bytes(d.issued.pdf).replace(b"SIGNED", b"SIGNEE")
    return {"pdf": SimpleUploadedFile("报告.pdf", altered, content_type="application/pdf")}


ASSESSMENT = obj(lambda d: d.assessment)


def measured_rule(d: District) -> RuleItem:
    return RuleItem.objects.get(indicator__system__standard=d.assessment.standard, indicator__code="2.2", order=1)


REPORT = obj(lambda d: d.report)

TABLE: dict[str, Entry | tuple[Entry, ...]] = {
    # --- the site and sign-in ---
    "home": Entry(everyone(200), everyone(200), target=None),
    "healthz": Entry(PUBLIC, PUBLIC, target=None),
    "accounts:login": Entry(everyone(200, anon=200), everyone(200, anon=200), target=None),
    "accounts:logout": Entry(everyone(405, anon=405), everyone(302, anon=302), target=None),
    "accounts:password-change": Entry(everyone(200), everyone(200), target=None),
    # every session here has passed the second factor, or needs none: both pages send it on
    "accounts:otp-verify": Entry(everyone(302), everyone(302), target=None),
    "accounts:otp-setup": Entry(everyone(302), everyone(302), target=None),
    # --- self-assessments ---
    "assessment:list": Entry(everyone(200), everyone(200), target=None),
    "assessment:create": Entry(
        Rule(405, 403, 403, 403), Rule(OK, 403, 403, 403), target=None, data=lambda d: {"year": "2099"}
    ),
    "assessment:detail": Entry(read(), read(), args=ASSESSMENT),
    "assessment:score-sheet": Entry(read(), read(), args=ASSESSMENT),
    "assessment:score-edit": Entry(
        POST_ONLY, write(), args=lambda d: [d.assessment.pk, d.indicator.pk], data=score_data
    ),
    "assessment:evidence-download": Entry(read(), read(), args=lambda d: [d.assessment.pk, d.evidence.pk]),
    "assessment:evidence-delete": Entry(POST_ONLY, write(), args=lambda d: [d.assessment.pk, d.evidence.pk]),
    "assessment:submit": Entry(POST_ONLY, write(), args=ASSESSMENT),
    "assessment:return": Entry(
        POST_ONLY, write(scorer=403, leader=OK), args=ASSESSMENT, data=lambda d: {"reason": "越权退回"}
    ),
    "assessment:approve": Entry(POST_ONLY, write(scorer=403, leader=OK), args=ASSESSMENT),
    # the records behind a rule item's "记录显示：N" (2.2's first rule names a measure in the standard file)
    "assessment:measure-records": Entry(read(), read(), args=lambda d: [d.assessment.pk, measured_rule(d).pk]),
    "assessment:export": Entry(read(), read(), args=ASSESSMENT),
    "assessment:import": Entry(write(leader=403), write(leader=403), args=ASSESSMENT),
    # --- the annual report ---
    "assessment:report-create": Entry(POST_ONLY, write(leader=OK), args=ASSESSMENT),
    "assessment:report-detail": Entry(read(), read(), args=REPORT),
    "assessment:report-edit": Entry(
        write(leader=OK),
        write(leader=OK),
        args=REPORT,
        data=lambda d: {"version": d.report.version, "title": "越权修改"},
    ),
    "assessment:report-job-start": (
        # a preview is a read: whoever may read the report may have it rendered
        Entry(POST_ONLY, write(leader=OK, reviewer=OK), args=lambda d: [d.report.pk, "preview"], label="preview"),
        # 签发 is the leader's alone
        Entry(POST_ONLY, write(scorer=403, leader=OK), args=lambda d: [d.report.pk, "issue"], label="issue"),
    ),
    "assessment:report-job-status": Entry(read(), read(), args=obj(lambda d: d.job)),
    "assessment:report-job-pdf": Entry(read(), read(), args=obj(lambda d: d.job)),
    "assessment:report-version-pdf": Entry(read(), read(), args=lambda d: [d.report.pk, d.issued.version]),
    "assessment:report-correct": Entry(POST_ONLY, write(scorer=403, leader=OK), args=REPORT),
    # public by design: anyone holding a copy checks a signed PDF. Posted here: the target's signed PDF with one
    # byte changed, which must reveal nothing of the target (no hash match).
    "assessment:report-verify": Entry(PUBLIC, PUBLIC, data=altered_copy),
    # --- enforcement records: statistics, ledger export, template, import ---
    "inspections:statistics": Entry(read(admin=403), read(admin=403), target="org", query=by_org_code),
    "inspections:export": Entry(read(admin=403), read(admin=403), target="org", query=by_org_code),
    "inspections:template": Entry(read(admin=403), read(admin=403), target=None),
    "inspections:import": Entry(Rule(200, 403, 403, 403), Rule(OK, 403, 403, 403), target=None),
    "inspections:import-detail": Entry(read(), read(), args=obj(lambda d: d.ledger_job)),
    "inspections:import-status": Entry(read(), read(), args=obj(lambda d: d.ledger_job)),
    "inspections:import-errors": Entry(read(), read(), args=obj(lambda d: d.ledger_job)),
    # --- the audit trail: a district's leader reads their own organisation's, admins and the reviewer all ---
    # A district user asking for another organisation's events gets their own (the filter is not offered).
    "audit:list": Entry(
        read(scorer=403, admin=200, other=None), read(scorer=403, admin=200, other=None), "org", query=by_org_pk
    ),
    "audit:export-xlsx": Entry(
        read(scorer=403, admin=200, other=None), read(scorer=403, admin=200, other=None), "org", query=by_org_pk
    ),
    "audit:export-csv": Entry(
        read(scorer=403, admin=200, other=None), read(scorer=403, admin=200, other=None), "org", query=by_org_pk
    ),
    # --- the municipal 复核, comparison and years (review app) ---
    "review:sheet": Entry(read(), everyone(405), args=ASSESSMENT),
    # the reviewer finds the assessment (a draft here) and is told it cannot be reviewed yet
    "review:start": Entry(POST_ONLY, write(scorer=403, reviewer=OK), args=ASSESSMENT),
    "review:save": Entry(POST_ONLY, write(scorer=403, reviewer=OK), args=ASSESSMENT),
    "review:carry-forward": Entry(POST_ONLY, write(), args=ASSESSMENT),
    "review:years": Entry(read(), everyone(405), args=ASSESSMENT),
    # ranking districts against each other is the municipal bureau's alone
    "review:comparison": Entry(Rule(403, 403, 403, 200), everyone(405), target=None),
    "review:comparison-export": Entry(Rule(403, 403, 403, 200), everyone(405), target=None),
}

# 执法公示: the public site answers everyone alike and only reads (POST: 405); a withdrawn decision's page is gone
# for everyone (404). The desk is the district's; publish, correct and withdraw are its leader's. The target
# district's decision was published and then withdrawn, so the leader's allowed POSTs are refused with a message.
PUBLIC_READ = everyone(200, anon=200)
NOT_ALLOWED = everyone(405, anon=405)
PUBLICATION = obj(lambda d: d.publication)
TABLE.update(
    {
        "disclosure:penalty-list": Entry(PUBLIC_READ, NOT_ALLOWED, target=None, public_names=True),
        "disclosure:penalty-detail": Entry(everyone(404, anon=404), NOT_ALLOWED, args=PUBLICATION, public_names=True),
        "disclosure:penalty-csv": Entry(PUBLIC_READ, NOT_ALLOWED, target=None, public_names=True),
        "disclosure:penalty-json": Entry(PUBLIC_READ, NOT_ALLOWED, target=None, public_names=True),
        "disclosure:feed": Entry(PUBLIC_READ, NOT_ALLOWED, target=None, public_names=True),
        "disclosure:enforcers": Entry(
            PUBLIC_READ,
            NOT_ALLOWED,
            target="org",
            query=lambda d: {"district": d.org.code},
            public_names=True,
            published=lambda d: [d.records["officer"].name, d.records["officer"].certificate_number],
        ),
        # the fixture's plans are drafts, filed or acknowledged (none 已公开): their draws must not show
        "disclosure:random-checks": Entry(
            PUBLIC_READ,
            NOT_ALLOWED,
            target="org",
            query=lambda d: {"district": d.org.code, "year": 2024},
            public_names=True,
        ),
        "disclosure:desk": Entry(Rule(200, 200, 403, 403), everyone(405), target=None),
        "disclosure:case-publish": Entry(
            write(scorer=403, leader=200, reviewer=404),
            write(scorer=403, leader=OK, reviewer=404),
            args=obj(lambda d: d.records["case"]),
        ),
        "disclosure:publication-correct": Entry(
            write(scorer=403, leader=200, reviewer=404),
            write(scorer=403, leader=OK, reviewer=404),
            args=PUBLICATION,
            data=lambda d: {"note": "越权更正"},
        ),
        "disclosure:publication-withdraw": Entry(
            write(scorer=403, leader=200, reviewer=404),
            write(scorer=403, leader=OK, reviewer=404),
            args=PUBLICATION,
            data=lambda d: {"grounds": "越权撤下", "applied_on": "2024-09-01"},
        ),
    }
)

# The kinds of enforcement record: list (district chosen by ?org=), create, edit, delete, and a detail page
# for some. Edit and delete look the record up through writable_by: the reviewer and the admin get 404.
RECORD_KINDS = (
    "dispatch",
    "inspection",
    "case",
    "source",
    "equipment",
    "training",
    "officer",
    "measure",
    "drill",
    "review",
)
for _kind in RECORD_KINDS:
    _record = obj(lambda d, kind=_kind: d.records[kind])
    TABLE[f"inspections:{_kind}-list"] = Entry(read(admin=403), read(admin=403), target="org", query=by_org_code)
    TABLE[f"inspections:{_kind}-create"] = Entry(Rule(200, 403, 403, 403), Rule(OK, 403, 403, 403), target=None)
    TABLE[f"inspections:{_kind}-edit"] = Entry(write(reviewer=404), write(reviewer=404), args=_record)
    TABLE[f"inspections:{_kind}-delete"] = Entry(write(reviewer=404), write(reviewer=404), args=_record)
    TABLE[f"inspections:{_kind}-detail"] = Entry(read(admin=403), read(admin=403), args=_record)
for _kind in ("inspection", "equipment", "training", "officer", "measure", "drill", "review"):  # no detail page
    del TABLE[f"inspections:{_kind}-detail"]


# --- inspection plans and draws: staff draft and draw, leaders file and publish, the city acknowledges or returns;
# the admin (管理员) keeps the item list in the admin and has no plans pages (403) ---
def _plan(key: str) -> Args:
    return obj(lambda d: d.records[key])


PLAN_READ = read(admin=403)
PLAN_WRITE = write(admin=403)
CITY_STEP = Rule(403, 403, 403, OK)
ANNUAL_DATA = {
    "year": "2099",
    "rate_key": "25",
    "period_key": "quarter",
    "rate_general": "5",
    "period_general": "year",
    "rate_special": "25",
    "period_special": "quarter",
}
TABLE.update(
    {
        "plans:index": Entry(PLAN_READ, PLAN_READ, target="org", query=by_org_code),
        "plans:annual-create": Entry(
            Rule(200, 403, 403, 403), Rule(OK, 403, 403, 403), target=None, data=lambda d: ANNUAL_DATA
        ),
        "plans:annual-detail": Entry(PLAN_READ, PLAN_READ, args=_plan("annual_plan")),
        "plans:annual-edit": Entry(
            write(admin=403), PLAN_WRITE, args=_plan("annual_plan"), data=lambda d: {**ANNUAL_DATA, "year": "2024"}
        ),
        "plans:campaign-add": Entry(
            POST_ONLY,
            PLAN_WRITE,
            args=_plan("annual_plan"),
            data=lambda d: {"name": "越权专项", "starts_on": "2024-06-01", "ends_on": "2024-06-30"},
        ),
        "plans:monthly-create": Entry(
            PLAN_WRITE, PLAN_WRITE, args=_plan("annual_plan"), data=lambda d: {"month": "9", "team_size": "2"}
        ),
        "plans:monthly-detail": Entry(PLAN_READ, PLAN_READ, args=_plan("plan_drawn")),
        "plans:monthly-edit": Entry(
            PLAN_WRITE, PLAN_WRITE, args=_plan("plan_draft"), data=lambda d: {"month": "1", "quota_key": "9"}
        ),
        "plans:monthly-file": Entry(POST_ONLY, write(scorer=403, leader=OK, admin=403), args=_plan("plan_draft")),
        "plans:monthly-acknowledge": Entry(POST_ONLY, CITY_STEP, args=_plan("plan_filed")),
        "plans:monthly-return": Entry(
            POST_ONLY, CITY_STEP, args=_plan("plan_filed"), data=lambda d: {"reason": "越权退回"}
        ),
        "plans:monthly-publish": Entry(
            POST_ONLY, write(scorer=403, leader=OK, admin=403), args=_plan("plan_acknowledged")
        ),
        "plans:seed": Entry(POST_ONLY, PLAN_WRITE, args=_plan("plan_acknowledged"), data=lambda d: {"seed": "3000"}),
        "plans:draw-run": Entry(POST_ONLY, PLAN_WRITE, args=_plan("plan_acknowledged")),
        "plans:draw-detail": Entry(PLAN_READ, PLAN_READ, args=_plan("draw")),
        "plans:redraw": Entry(POST_ONLY, PLAN_WRITE, args=_plan("draw"), data=lambda d: {"reason": "越权重抽"}),
        "plans:draw-pdf": Entry(PLAN_READ, PLAN_READ, args=_plan("draw")),
        "plans:draw-xlsx": Entry(PLAN_READ, PLAN_READ, args=_plan("draw")),
        "plans:draw-json": Entry(PLAN_READ, PLAN_READ, args=_plan("draw")),
        # every district's plans for the city, a district's own for its users
        "plans:filings": Entry(Rule(200, 200, 403, 200), Rule(200, 200, 403, 200), target=None),
        "plans:sources": Entry(PLAN_READ, PLAN_READ, target="org", query=by_org_code),
        "plans:categories-import": Entry(Rule(200, 403, 403, 403), Rule(OK, 403, 403, 403), target=None),
        "plans:categories-template": Entry(Rule(200, 200, 403, 200), Rule(200, 200, 403, 200), target=None),
        "plans:items": Entry(PLAN_READ, PLAN_READ, target="org", query=by_org_code),
        "plans:figures": Entry(PLAN_READ, PLAN_READ, target="org", query=by_org_code),
    }
)

# Cases where the code's answer differs from what the issue demands: (url name[#label], role, target, method)
# → (the answer the issue demands, reason). Empty when the code does what the issue asks.
FINDINGS: dict[tuple[str, str, str, str], tuple[Expect, str]] = {}


# --- the URL configuration ---------------------------------------------------------------------------

EXCLUDED_NAMESPACES = {"admin"}  # the Django admin: its own permission system, tested in tests/assessment


def _excluded_view(pattern: URLPattern) -> bool:
    view = pattern.callback
    module = getattr(view, "__module__", "") or ""
    return module in ("django.views.static", "django.views.i18n") or module.startswith("django.contrib.staticfiles")


def product_urls(patterns=None, namespace: str = "") -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every URL of the product."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from product_urls(pattern.url_patterns, inner)
        elif not _excluded_view(pattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>", str(pattern))


def entries(name: str) -> tuple[Entry, ...]:
    value = TABLE[name]
    return value if isinstance(value, tuple) else (value,)


def test_every_url_has_an_entry():
    urls = list(product_urls())
    names = [name for name, _ in urls]
    assert len(names) == len(set(names)), "URL names must be unique"
    missing = sorted(set(names) - set(TABLE))
    stale = sorted(set(TABLE) - set(names))
    assert not missing, f"URLs without an entry in the authorization matrix: {missing}"
    assert not stale, f"entries for URLs that no longer exist: {stale}"
    for key in FINDINGS:
        assert key[0].split("#")[0] in TABLE, key


# --- the data ----------------------------------------------------------------------------------------

DAY = date(2024, 5, 6)


def pdf(tag: str) -> bytes:
    return f"%PDF-1.4\n% {tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def build_district(org: Organization, scorer: User, leader: User, standard, tag: str, prefix: str) -> District:
    """One district's data, every kind of object a URL names, marked with ``tag`` (e.g. 长宁独有)."""
    assessment = services.create_self_assessment(organization=org, year=2024, standard=standard)
    indicator = Indicator.objects.get(system__standard=standard, code="1.1")
    evidence_bytes = pdf(f"{prefix}-EVIDENCE-{tag}")
    score = services.save_score(
        assessment=assessment,
        indicator=indicator,
        user=scorer,
        value=scoring.parse_score("4", indicator.max_score),
        justification=f"{tag}说明",
        new_evidence=[SimpleUploadedFile(f"{tag}佐证.pdf", evidence_bytes, content_type="application/pdf")],
    )
    report = report_services.create_report(assessment=assessment, user=scorer)
    preview = pdf(f"{prefix}-PREVIEW")
    job = ReportJob.objects.create(
        report=report, kind=ReportJob.Kind.PREVIEW, status=ReportJob.Status.DONE, pdf=preview, requested_by=scorer
    )
    signed = pdf(f"{prefix}-SIGNED")
    issued = IssuedReport.objects.create(
        report=report,
        version=1,
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signed_by=leader,
        signer_name=leader.username,
        certificate_subject=f"CN={org.name}",
        signed_at=timezone.now(),
    )
    make = Make(org)
    source = make.source(f"{tag}排污单位")
    dispatch = make.dispatch(DAY, number=f"{prefix}-MX-0001")
    records = {
        "source": source,
        "dispatch": dispatch,
        "inspection": make.inspection(DAY, dispatch=dispatch, source=source, findings=f"{tag}检查发现"),
        "case": (case := make.case(DAY, DAY, "fined", "909150", source=source, case_number=f"{tag}罚字1号")),
        "measure": CaseMeasure.objects.create(
            organization=org, case=case, kind=CaseMeasure.Kind.SEIZURE, started_on=DAY, note=f"{tag}查封"
        ),
        "equipment": make.equipment(DAY, asset_number=f"{prefix}-MX-ZC", name=f"{tag}无人机"),
        "training": make.training(DAY, topic=f"{tag}培训"),
        "officer": (officer := make.officer(f"{tag}执法员", certificate_number=f"{prefix}-MX-ZJ")),
        "review": CaseFileReview.objects.create(organization=org, case=case, reviewed_on=DAY, reviewer=f"{tag}评查人"),
        "drill": DrillResult.objects.create(
            organization=org, held_on=DAY, event=f"{tag}练兵", level="district", officer=officer, placing=1
        ),
    }
    PenaltyCase.objects.filter(pk=records["case"].pk).update(
        decision_document_number=f"{tag}决字1号", penalty_legal_basis=f"{tag}处罚依据"
    )
    publication = disclosure_services.publish(case=PenaltyCase.objects.get(pk=records["case"].pk), user=leader)
    disclosure_services.withdraw_for_credit_repair(
        publication=publication, user=leader, grounds=f"{tag}信用修复", applied_on=timezone.localdate()
    )
    records.update(build_plans(org, make, tag, prefix))
    ledger_job = LedgerImport.objects.create(
        organization=org,
        created_by=scorer,
        original_name=f"{tag}台账.xlsx",
        status=LedgerImport.Status.FAILED,
        errors=[{"sheet": "执法出动", "row": 2, "column": "出动日期", "reason": f"{tag}错误", "cell": "B2"}],
        error_count=1,
    )
    return District(
        org=org,
        user=scorer,
        assessment=assessment,
        indicator=indicator,
        score=score,
        evidence=score.evidence.get(),
        report=report,
        job=job,
        issued=issued,
        records=records,
        ledger_job=ledger_job,
        markers=[org.name, org.short_name, tag, f"{prefix}-MX-"],
        secrets=[evidence_bytes, preview, signed, f"{prefix}-".encode()],
        publication=publication,
    )


@pytest.fixture
def districts(changning, xuhui, alice, lea, bob, bella, rita, adam) -> dict[str, District]:
    standard = services.load_standard(spec=read_standard_file(STANDARD_FILE))[0]
    return {
        "changning": build_district(changning, alice, lea, standard, "长宁独有", "CNSECRET"),
        "xuhui": build_district(xuhui, bob, bella, standard, "徐汇独有", "XHSECRET"),
    }


# --- the state that refused requests must leave alone ------------------------------------------------

STATE_MODELS = (
    Organization,
    User,
    SelfAssessment,
    Score,
    RuleCount,
    Evidence,
    WorkflowEvent,
    Report,
    ReportSection,
    ReportJob,
    IssuedReport,
    PollutionSource,
    Dispatch,
    Inspection,
    Officer,
    PenaltyCase,
    CaseMeasure,
    DrillResult,
    Equipment,
    Training,
    LedgerImport,
    PenaltyPublication,
    PenaltyWithdrawal,
    CheckItem,
    SourceSupervision,
    AnnualPlan,
    Campaign,
    MonthlyPlan,
    Draw,
    DrawTask,
)


def state() -> dict[str, object]:
    snapshot: dict[str, object] = {
        model.__name__: [tuple(row) for row in model._base_manager.order_by("pk").values_list(*_fields(model))]
        for model in STATE_MODELS
    }
    root = Path(settings.MEDIA_ROOT)
    snapshot["media"] = (
        sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    )
    return snapshot


def _fields(model: type[models.Model]) -> list[str]:
    skip = {"last_login", "pdf"}  # last_login: force_login sets it
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


# --- requests ----------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    label: str
    role: str
    target: str | None
    method: str
    url: str
    data: dict
    expected: Expect
    response: object = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (f"{self.name}#{self.label}" if self.label else self.name, self.role, self.target or "-", self.method)

    def __str__(self) -> str:
        return f"{self.method} {self.url} as {self.role} against {self.target or '-'}"


def url_of(name: str, entry: Entry, district: District | None) -> str:
    url = reverse(name, args=entry.args(district) if district else [])
    query = entry.query(district) if district else {}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def cases_for(name: str, districts: dict[str, District]) -> list[Case]:
    cases = []
    for entry in entries(name):
        for target in TARGETS if entry.target else (None,):
            district = districts[target] if target else None
            url = url_of(name, entry, district)
            for role in ROLES:
                for method, rule in (("GET", entry.get), ("POST", entry.post)):
                    data = entry.data(district or districts[HOME.get(role, "changning")]) if method == "POST" else {}
                    expected = rule.expect(role, target)
                    if expected is None:  # the district is ignored: the user's own data, checked for leaks
                        expected = rule.expect(role, HOME[role])
                    cases.append(Case(name, entry.label, role, target, method, url, data, expected))
    return cases


class Clients:
    """One logged-in client per role; a client that logged out is logged in again."""

    def __init__(self, client_class, users: dict[str, User]):
        self.users = users
        self.clients = {}
        for role in ROLES:
            self.clients[role] = client_class()
            if role != "anon":
                self.clients[role].force_login(users[role])

    def send(self, case: Case):
        client = self.clients[case.role]
        response = client.get(case.url) if case.method == "GET" else client.post(case.url, case.data)
        if case.role != "anon" and case.name == "accounts:logout":
            client.force_login(self.users[case.role])
        return response


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        # consuming it closes the file (the test client's closing wrapper); closing again would fire
        # request_finished outside the client and close the test's database connection
        return b"".join(response.streaming_content)
    return response.content


def text_of(response, content: bytes) -> str:
    """Everything a person could read in the response: the page, or every part of a workbook."""
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                # write-only workbooks store text as character references (&#38271;…): unescape them
                return "".join(html.unescape(archive.read(n).decode("utf-8", "replace")) for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return html.unescape(content.decode("utf-8", "replace"))


def check_status(case: Case, response) -> str | None:
    """None if the response is what the table expects, else why not."""
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("accounts:login")
    if case.expected == LOGIN:
        if status == 302 and location.startswith(f"{login}?next="):
            return None
        return f"expected 302 to the login page, got {status} {location}"
    if case.expected == OK:
        to_login = location.startswith(login) or location.startswith(reverse("accounts:otp-verify"))
        if status in (200, 400, 409) or (status == 302 and not to_login):
            return None
        return f"expected an allowed answer (200/302/400/409), got {status} {location}"
    if status != case.expected:
        return f"expected {case.expected}, got {status} {location}"
    return None


def foreign(case: Case) -> list[str]:
    """The districts whose data this request must not see."""
    if case.role == "anon":
        return list(TARGETS)
    if case.role in HOME:
        return [t for t in TARGETS if t != HOME[case.role]]
    return []  # the admin and the municipal reviewer: per table


def _boilerplate() -> list[str]:
    """Product text that names 长宁区 whatever the district: the report form's help texts give 长宁区 examples.
    (A new report's first draft names its own district: assessment/reports/first_draft.py.)"""
    lines = {str(f.help_text) for f in Report._meta.fields if f.help_text}
    lines = {line for line in lines if line}
    return sorted(lines | {html.escape(line) for line in lines}, key=len, reverse=True)


BOILERPLATE = _boilerplate()


def check_leaks(case: Case, response, districts: dict[str, District]) -> list[str]:
    content = body(response)
    text = text_of(response, content)
    for line in BOILERPLATE:
        text = text.replace(line, "")
    problems = []
    entry = entries(case.name)[0]
    for target in foreign(case):
        district = districts[target]
        markers = district.markers[2:] if entry.public_names else district.markers  # [org.name, org.short_name, …]
        shown, handed = text, content
        for published in entry.published(district):
            shown, handed = shown.replace(published, ""), handed.replace(published.encode(), b"")
        problems += [f"shows {target}'s {m!r}" for m in markers if m in shown]
        problems += [f"hands over {target}'s bytes {s[:30]!r}" for s in district.secrets if s in handed]
    return problems


def is_allowed_write(case: Case) -> bool:
    return case.method == "POST" and case.expected == OK


def run_matrix(name: str, client_class, districts: dict[str, District], users: dict[str, User]) -> list[str]:
    clients = Clients(client_class, users)
    cases = [c for c in cases_for(name, districts) if c.key not in FINDINGS]
    failures = []
    before = state()
    # first everything that may not change anything, then check that it did not; then the allowed writes
    for case in sorted(cases, key=is_allowed_write):
        if is_allowed_write(case) and before is not None:
            after = state()
            changed = sorted(k for k in before if before[k] != after[k])
            if changed:
                failures.append(f"{name}: refused requests and reads changed {changed}")
            before = None
        response = clients.send(case)
        problem = check_status(case, response)
        if problem:
            failures.append(f"{case}: {problem}")
        failures += [f"{case}: {p}" for p in check_leaks(case, response, districts)]
    if before is not None and (changed := sorted(k for k, v in state().items() if before[k] != v)):
        failures.append(f"{name}: refused requests and reads changed {changed}")
    return failures


@pytest.fixture
def users(alice, lea, adam, bob, rita) -> dict[str, User]:
    return {"alice": alice, "lea": lea, "adam": adam, "bob": bob, "rita": rita}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_authorization_matrix(name, client, districts, users, settings):
    # every request comes from one address: the verification page's per-address limit is tested on its own
    settings.REPORT_VERIFY_RATE = 10_000
    failures = run_matrix(name, type(client), districts, users)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, id="/".join(key), marks=pytest.mark.xfail(strict=True, reason=reason))
        for key, (_, reason) in FINDINGS.items()
    ]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no findings"))],
)
def test_finding(key, client, districts, users):
    """A case where the code differs from the issue: asserts what the issue demands (so it fails today)."""
    case = next(c for c in cases_for(key[0].split("#")[0], districts) if c.key == key)
    case.expected = FINDINGS[key][0]
    response = Clients(type(client), users).send(case)
    problems = [p for p in [check_status(case, response)] if p] + check_leaks(case, response, districts)
    assert not problems, f"{case}: {problems}"


# --- the leak checks are not vacuous; mixed identifiers --------------------------------------------------


def test_the_markers_and_bytes_are_what_the_pages_and_downloads_show(client, districts, alice, rita):
    """Positive controls: the data the leak checks look for is really in 长宁区's own pages and downloads."""
    changning = districts["changning"]
    client.force_login(alice)
    evidence = client.get(
        reverse("assessment:evidence-download", args=[changning.assessment.pk, changning.evidence.pk])
    )
    assert body(evidence) == changning.secrets[0]
    assert "attachment" in evidence["Content-Disposition"]
    dispatch = client.get(reverse("inspections:dispatch-detail", args=[changning.records["dispatch"].pk]))
    assert "CNSECRET-MX-0001" in dispatch.content.decode()
    errors = client.get(reverse("inspections:import-errors", args=[changning.ledger_job.pk]))
    assert "长宁独有错误" in text_of(errors, body(errors))
    export = client.get(reverse("inspections:export"), {"org": "changning"})
    assert "CNSECRET-MX-0001" in text_of(export, body(export))
    client.force_login(rita)
    signed = client.get(reverse("assessment:report-version-pdf", args=[changning.report.pk, 1]))
    assert body(signed) == changning.secrets[2]
    preview = client.get(reverse("assessment:report-job-pdf", args=[changning.job.pk]))
    assert body(preview) == changning.secrets[1]
    sheet = client.get(reverse("assessment:export", args=[changning.assessment.pk]))
    assert "上海市长宁区生态环境局" in text_of(sheet, body(sheet))


def test_mixed_identifiers_do_not_reach_another_district(client, districts, bob):
    """bob's own assessment or report in the URL, 长宁区's object in the other argument or the query."""
    changning, xuhui = districts["changning"], districts["xuhui"]
    client.force_login(bob)
    before = state()
    own_with_foreign_evidence = [xuhui.assessment.pk, changning.evidence.pk]
    assert client.get(reverse("assessment:evidence-download", args=own_with_foreign_evidence)).status_code == 404
    assert client.post(reverse("assessment:evidence-delete", args=own_with_foreign_evidence)).status_code == 404
    assert client.get(reverse("assessment:report-version-pdf", args=[xuhui.report.pk, 1])).status_code == 200
    pages = [
        client.get(reverse("assessment:report-detail", args=[xuhui.report.pk]), {"job": changning.job.pk}),
        client.get(
            reverse("inspections:inspection-create"),
            {"dispatch": changning.records["dispatch"].pk, "source": changning.records["source"].pk},
        ),
        client.get(reverse("inspections:case-create"), {"source": changning.records["source"].pk}),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for line in BOILERPLATE:
            text = text.replace(line, "")
        assert not [m for m in changning.markers if m in text]
        assert reverse("assessment:report-job-pdf", args=[changning.job.pk]) not in text
    assert state() == before
