"""What the trail records: who, when, from where, and the old and new values, for every kind of change."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment import services
from assessment.exports import score_workbook
from assessment.imports import read_score_workbook
from assessment.models import Evidence, Indicator, Report, Score, Standard, WorkflowEvent
from assessment.reports import services as report_services
from assessment.selectors import scoring_sheet
from audit import services as audit
from audit.models import AuditEvent
from inspections.models import Dispatch, LedgerImport
from tests.assessment.conftest import score_all
from tests.assessment.reports.conftest import PASSPHRASE
from tests.assessment.reports.test_views import edit_data
from tests.assessment.test_admin import change_form_data, change_url, inline_row, run_action
from tests.audit.conftest import events, only_event
from tests.inspections.records_helpers import Make, good_ledger, workbook

Action = AuditEvent.Action
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Test-pass-2024"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HERE = {"REMOTE_ADDR": "10.20.30.40"}


def _indicator(assessment, code: str) -> Indicator:
    return Indicator.objects.prefetch_related("rule_items").get(system__standard=assessment.standard, code=code)


def _save_score(client, assessment, indicator, *, version: int, files=(), **fields):
    data = {f"i{indicator.pk}-{key}": value for key, value in fields.items()}
    data[f"i{indicator.pk}-version"] = version
    if files:
        data[f"i{indicator.pk}-evidence"] = list(files)
    return client.post(reverse("assessment:score-edit", args=[assessment.pk, indicator.pk]), data, **HERE)


# --- signing in ----------------------------------------------------------------------------------------


def test_login_failure_login_and_logout_are_recorded_with_the_address(alice, changning):
    browser = Client()
    url = reverse("accounts:login")
    browser.post(url, {"username": "alice", "password": "wrong-Password-1"}, **HERE)
    failed = only_event(action=Action.LOGIN_FAILED)
    assert (failed.actor, failed.actor_name, failed.organization, failed.ip_address) == (
        None,
        "alice",
        changning,
        "10.20.30.40",
    )
    assert "wrong-Password-1" not in str(failed.changes) + failed.note

    assert browser.post(url, {"username": "alice", "password": PASSWORD}, **HERE).status_code == 302
    login = only_event(action=Action.LOGIN)
    assert (login.actor, login.organization, login.ip_address) == (alice, changning, "10.20.30.40")
    assert login.at <= timezone.now() and login.object_type == "accounts.user"

    browser.post(reverse("accounts:logout"), REMOTE_ADDR="10.20.30.41")
    logout = only_event(action=Action.LOGOUT)
    assert (logout.actor, logout.ip_address) == (alice, "10.20.30.41")


def test_a_failure_for_an_unknown_username_belongs_to_no_organisation(db):
    Client().post(reverse("accounts:login"), {"username": "nobody", "password": "x"}, **HERE)
    failed = only_event(action=Action.LOGIN_FAILED)
    assert (failed.actor_name, failed.organization_id) == ("nobody", None)


def test_a_lockout_is_recorded(alice, changning, settings):
    if not apps.is_installed("axes"):
        pytest.skip("lockouts come from django-axes, which is not installed")
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        browser.post(reverse("accounts:login"), {"username": "alice", "password": "wrong-Password-1"}, **HERE)
    lockout = events(action=Action.LOCKOUT)[0]
    assert (lockout.actor_name, lockout.organization, lockout.ip_address) == ("alice", changning, "10.20.30.40")


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(alice, settings):
    url = reverse("accounts:login")
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6", "REMOTE_ADDR": "10.20.30.40"}
    settings.TRUST_X_FORWARDED_FOR = False
    Client().post(url, {"username": "alice", "password": "x"}, **forged)
    settings.TRUST_X_FORWARDED_FOR = True
    # behind our nginx: the right-most entry is the one nginx appended; the ones to its left are the client's word
    Client().post(url, {"username": "alice", "password": "x"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.1.9")
    assert [e.ip_address for e in events(action=Action.LOGIN_FAILED)] == ["10.20.30.40", "10.1.1.9"]


# --- scores and evidence --------------------------------------------------------------------------------


def test_a_score_created_then_changed_on_the_page(client, alice, draft_2024, changning):
    indicator = _indicator(draft_2024, "1.1")
    client.force_login(alice)
    assert (
        _save_score(client, draft_2024, indicator, version=0, score="4.5", justification="清单已公开").status_code
        == 302
    )
    assert (
        _save_score(client, draft_2024, indicator, version=1, score="4", justification="清单已公开").status_code == 302
    )
    score = Score.objects.get(assessment=draft_2024, indicator=indicator)
    created, updated = events(object_type="assessment.score")
    assert (created.action, created.changes) == (
        Action.CREATE,
        {"score": [None, "4.5"], "justification": [None, "清单已公开"]},
    )
    assert (updated.action, updated.changes) == (Action.UPDATE, {"score": ["4.5", "4"]})
    for event in (created, updated):
        assert (event.actor, event.actor_name, event.organization) == (alice, "alice", changning)
        assert (event.ip_address, event.object_id) == ("10.20.30.40", str(score.pk))
        assert "指标1.1" in event.note


def test_rule_counts_are_recorded_as_old_and_new(client, alice, draft_2024):
    indicator = _indicator(draft_2024, "4.2")
    deduction, bonus = indicator.rule_items.all()
    client.force_login(alice)
    fields = {f"rule_{deduction.pk}": "2", f"rule_{bonus.pk}": "0", "justification": ""}
    _save_score(client, draft_2024, indicator, version=0, **fields)
    _save_score(client, draft_2024, indicator, version=1, **(fields | {f"rule_{deduction.pk}": "4"}))
    changed = events(object_type="assessment.score")[-1]
    assert changed.changes == {"score": ["7", "6"], f"扣分项次数：{deduction.description}": [2, 4]}


def test_evidence_attached_and_removed(client, alice, draft_2024):
    indicator = _indicator(draft_2024, "1.2")
    client.force_login(alice)
    upload = SimpleUploadedFile("制度汇编.pdf", PDF)
    _save_score(client, draft_2024, indicator, version=0, score="3", justification="", files=[upload])
    evidence = Evidence.objects.get()
    attached = only_event(object_type="assessment.evidence", action=Action.CREATE)
    assert attached.changes == {"original_name": [None, "制度汇编.pdf"], "size": [None, len(PDF)]}
    assert attached.ip_address == "10.20.30.40" and attached.object_id == str(evidence.pk)
    client.post(reverse("assessment:evidence-delete", args=[draft_2024.pk, evidence.pk]), **HERE)
    removed = only_event(object_type="assessment.evidence", action=Action.DELETE)
    assert removed.changes["original_name"] == ["制度汇编.pdf", None]
    assert removed.object_id == str(evidence.pk) and removed.actor == alice


def test_workflow_moves_are_recorded(submitted_2024, lea, alice):
    submitted = only_event(action=Action.WORKFLOW)
    assert (submitted.actor, submitted.changes, submitted.note) == (alice, {"status": ["草稿", "已提交"]}, "提交")
    services.move_assessment(assessment=submitted_2024, user=lea, action=WorkflowEvent.Action.RETURN, reason="补材料")
    returned = events(action=Action.WORKFLOW)[-1]
    assert (returned.actor, returned.changes, returned.note) == (lea, {"status": ["已提交", "草稿"]}, "退回：补材料")
    assert returned.object_type == "assessment.selfassessment" and returned.object_id == str(submitted_2024.pk)


def test_a_score_workbook_import_is_one_event_with_every_old_and_new_value(alice, draft_2024):
    indicator = _indicator(draft_2024, "1.1")
    services.save_score(assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("2"), justification="")
    wb = load_workbook(io.BytesIO(score_workbook(scoring_sheet(draft_2024))))
    ws = wb["评分表"]
    row = next(cell.row for cell in ws["A"] if cell.value == "1.1")
    ws.cell(row=row, column=4).value = 4.5
    ws.cell(row=row, column=5).value = "已公开"
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = scoring_sheet(draft_2024)
    rows = read_score_workbook(
        buffer.getvalue(),
        assessment=draft_2024,
        maxima={r.indicator.code: r.indicator.max_score for b in sheet.systems for r in b.rows},
        system_names={b.system.name for b in sheet.systems},
        max_bytes=10**7,
    )
    assert services.import_scores(assessment=draft_2024, user=alice, rows=rows) == 1
    imported = only_event(action=Action.IMPORT)
    assert imported.changes == {"1.1 得分": ["2", "4.5"], "1.1 自评说明": ["", "已公开"]}
    assert imported.note == "评分表导入：更新了1个指标" and imported.organization == draft_2024.organization


# --- the standard --------------------------------------------------------------------------------------


def test_loading_publishing_and_copying_the_standard(client, adam, standard):
    loaded = only_event(object_type="assessment.standard", action=Action.CREATE, note="载入标准文件")
    assert loaded.organization is None and loaded.actor is None
    assert "指标1.1" in loaded.changes and loaded.changes["指标1.1"][0] is None
    published = only_event(action=Action.PUBLISH)
    assert published.changes == {"status": ["草稿", "已发布"]}

    client.force_login(adam)
    run_action(client, "copy_as_new_version", standard)
    copy = Standard.objects.get(version=2)
    copied = only_event(object_type="assessment.standard", object_id=str(copy.pk))
    assert (copied.action, copied.actor, copied.note) == (Action.CREATE, adam, f"复制自“{standard}”")


def test_admin_changes_to_an_indicator_and_its_rule_items_are_recorded(client, adam, standard):
    draft = services.copy_standard(standard=standard, actor=adam)
    indicator = Indicator.objects.get(system__standard=draft, code="4.3")
    rule = indicator.rule_items.get()
    client.force_login(adam)
    data = change_form_data(client, indicator, max_score="12")
    data[inline_row(data, "rule_items", rule.pk) + "-points"] = "0.5"
    response = client.post(change_url(indicator), data, **HERE)
    assert response.status_code == 302
    changed = only_event(object_type="assessment.indicator", action=Action.UPDATE)
    assert changed.changes["max_score"][1] == "12" and changed.actor == adam
    assert changed.ip_address == "10.20.30.40" and changed.note == "管理后台"
    rule_event = only_event(object_type="assessment.ruleitem", action=Action.UPDATE)
    assert rule_event.changes["points"][1] == "0.5"

    delete = reverse("admin:assessment_indicator_delete", args=[indicator.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    deleted = only_event(object_type="assessment.indicator", action=Action.DELETE)
    assert deleted.object_id == str(indicator.pk) and deleted.changes["code"] == ["4.3", None]


# --- records --------------------------------------------------------------------------------------------


def test_records_created_changed_and_deleted_on_their_pages(client, alice, changning):
    client.force_login(alice)
    data = {"number": "CD-1", "dispatched_on": "2023-03-05", "officer_count": "2", "task_type": "routine"}
    assert client.post(reverse("inspections:dispatch-create"), data, **HERE).status_code == 302
    dispatch = Dispatch.objects.get()
    edit = data | {"officer_count": "3", "note": "夜查", "version": dispatch.version}
    assert client.post(reverse("inspections:dispatch-edit", args=[dispatch.pk]), edit, **HERE).status_code == 302
    assert client.post(reverse("inspections:dispatch-delete", args=[dispatch.pk]), **HERE).status_code == 302
    created, changed, deleted = events(object_type="inspections.dispatch")
    assert created.action == Action.CREATE and created.changes["number"] == [None, "CD-1"]
    assert created.changes["task_type"] == [None, "日常监管"]
    assert changed.changes == {"officer_count": [2, 3], "note": ["", "夜查"]}
    assert deleted.action == Action.DELETE and deleted.changes["number"] == ["CD-1", None]
    for event in (created, changed, deleted):
        assert (event.actor, event.organization, event.ip_address) == (alice, changning, "10.20.30.40")
        assert event.object_id == str(dispatch.pk)


def test_a_refused_deletion_leaves_no_event(client, alice, changning):
    make = Make(changning)
    inspection = make.inspection(date(2023, 3, 5))
    client.force_login(alice)
    client.post(reverse("inspections:source-delete", args=[inspection.source.pk]))
    assert not events(action=Action.DELETE)


def test_a_ledger_import_is_one_event_with_its_counts_and_the_uploaders_address(client, alice, changning):
    client.force_login(alice)
    upload = SimpleUploadedFile("台账.xlsx", workbook(good_ledger()), XLSX)
    client.post(reverse("inspections:import"), {"workbook": upload}, **HERE)
    job = LedgerImport.objects.get()
    assert job.status == "succeeded"
    imported = only_event(action=Action.IMPORT)
    assert (imported.actor, imported.organization, imported.ip_address) == (alice, changning, "10.20.30.40")
    assert (imported.object_type, imported.object_id) == ("inspections.ledgerimport", str(job.pk))
    assert "执法出动：新增3条，更新0条，未变化0条" in imported.note
    assert not events(object_type="inspections.dispatch")  # one event for the file, not one per row


# --- reports --------------------------------------------------------------------------------------------


def test_report_edits_sign_off_and_correction_are_recorded(client, demo):
    client.force_login(demo.leader)
    report = demo.report
    data = edit_data(report, sections=[])
    old_title = report.title
    data["title"] = "新的标题"
    seeded = AuditEvent.objects.order_by("pk").last().pk  # the demo's own report was written through the services
    assert client.post(reverse("assessment:report-edit", args=[report.pk]), data, **HERE).status_code == 302
    edited = only_event(object_type="assessment.report", action=Action.UPDATE, pk__gt=seeded)
    assert edited.changes == {"title": [old_title, "新的标题"]}
    assert (edited.actor, edited.ip_address) == (demo.leader, "10.20.30.40")

    issued = report_services.issue_report(report=report, user=demo.leader)
    signed = only_event(action=Action.SIGN)
    assert signed.changes["SHA-256"] == [None, issued.sha256] and signed.changes["版本"] == [None, 1]
    assert signed.actor == demo.leader and signed.organization == demo.changning

    report_services.start_correction(report=Report.objects.get(pk=report.pk), user=demo.leader)
    corrected = events(object_type="assessment.report", action=Action.WORKFLOW)[-1]
    assert corrected.changes == {"status": ["已签发", "草稿"]}


def test_a_sign_off_in_the_worker_carries_the_address_it_was_requested_from(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(demo.leader)
    url = reverse("assessment:report-job-start", args=[demo.report.pk, "issue"])
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit, then run at once
        response = client.post(url, **HERE)
    assert response.status_code == 302
    signed = only_event(action=Action.SIGN)
    assert signed.ip_address == "10.20.30.40" and signed.actor == demo.leader


def test_configuring_a_signing_certificate_never_records_the_key_or_passphrase(demo, signing_p12):
    report_services.configure_credential(
        organization=demo.changning, pkcs12_data=signing_p12, passphrase=PASSPHRASE, actor=demo.leader
    )
    event = events(object_type="assessment.signingcredential")[-1]
    text = str(event.changes) + event.note
    assert PASSPHRASE not in text.replace("passphrase", "")
    assert not {"pkcs12", "passphrase_encrypted"} & set(event.changes)


# --- one transaction ------------------------------------------------------------------------------------


def test_a_refused_change_leaves_no_event(alice, draft_2024):
    opened = len(events(organization=draft_2024.organization))  # the assessment's creation
    with pytest.raises(services.AssessmentError):
        services.move_assessment(assessment=draft_2024, user=alice, action=WorkflowEvent.Action.SUBMIT)
    indicator = _indicator(draft_2024, "1.1")
    with pytest.raises(services.StaleScore):
        services.save_score(
            assessment=draft_2024, indicator=indicator, user=alice, value="1", justification="", expected_version=3
        )
    assert len(events(organization=draft_2024.organization)) == opened


def test_a_change_that_rolls_back_takes_its_event_with_it(alice, draft_2024):
    opened = len(events(organization=draft_2024.organization))
    indicator = _indicator(draft_2024, "1.1")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.save_score(assessment=draft_2024, indicator=indicator, user=alice, value="1", justification="")
        assert events(object_type="assessment.score")
        raise RuntimeError("the caller's transaction fails later")
    assert not Score.objects.exists() and len(events(organization=draft_2024.organization)) == opened


@pytest.mark.django_db(transaction=True)
def test_a_change_event_outside_a_transaction_is_a_programming_error(alice):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=alice, action=Action.UPDATE, note="x")


def test_every_score_of_the_demo_names_its_scorer(demo):
    score_all(demo.draft_2024, demo.scorer)
    scores = AuditEvent.objects.filter(object_type="assessment.score", organization=demo.changning)
    names = set(scores.values_list("actor_name", flat=True))
    assert names == {f"{demo.scorer}（changning_scorer）"}
