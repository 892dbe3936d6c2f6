"""No lost updates: a score or a report saved against a stale version is refused, with the current values shown;
workflow moves take a row lock so that two leaders clicking at once make one move."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

import assessment.services.scores
from assessment import services
from assessment.models import Indicator, Report, Score, SelfAssessment, WorkflowEvent
from assessment.reports import services as report_services
from tests.assessment.conftest import score_all
from tests.assessment.reports.conftest import (  # noqa: F401
    ca_pem_file,
    demo,
    demo_ca,
    pki_dir,
    signing_p12,
    xuhui_p12,
)
from tests.assessment.reports.test_views import edit_data
from tests.conftest import make_user

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (select_for_update is a no-op and writers serialise on the file)",
)


def _indicator(assessment: SelfAssessment, code: str) -> Indicator:
    return Indicator.objects.prefetch_related("rule_items").get(system__standard=assessment.standard, code=code)


def _post(client, assessment, indicator, *, version=None, **fields):
    data = {f"i{indicator.pk}-{key}": value for key, value in fields.items()}
    if version is not None:
        data[f"i{indicator.pk}-version"] = version
    return client.post(reverse("assessment:score-edit", args=[assessment.pk, indicator.pk]), data)


def _stored(assessment, indicator) -> tuple:
    return (
        Score.objects.filter(assessment=assessment, indicator=indicator)
        .values_list("score", "justification", "scored_by__username", "version")
        .first()
    )


@pytest.fixture
def report_demo(request):
    """The report's demo (seed_demo with a signing PKI), from tests/assessment/reports/conftest.py."""
    return request.getfixturevalue("demo")


@pytest.fixture
def carol(changning):
    user = make_user("carol", changning, "填报人")
    user.last_name, user.first_name = "张", "填报"
    user.save()
    return user


# --- scores ---------------------------------------------------------------------------------------------


def test_the_scoring_page_carries_each_scores_version(client, draft_2024, alice):
    first = _indicator(draft_2024, "1.1")
    services.save_score(assessment=draft_2024, indicator=first, user=alice, value=Decimal("4"), justification="")
    client.force_login(alice)
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    assert f'name="i{first.pk}-version" value="1"' in page
    unscored = _indicator(draft_2024, "1.2")
    assert f'name="i{unscored.pk}-version" value="0"' in page


def test_a_stale_save_is_refused_with_who_when_and_the_current_score(client, draft_2024, alice, carol):
    indicator = _indicator(draft_2024, "1.1")
    client.force_login(alice)  # alice opens the page: 1.1 has no score yet (version 0)
    services.save_score(
        assessment=draft_2024,
        indicator=indicator,
        user=carol,
        value=Decimal("3"),
        justification="carol 的说明",
        expected_version=0,
    )
    when = Score.objects.get().scored_at

    response = _post(client, draft_2024, indicator, version=0, score="4.5", justification="alice 的说明")

    assert response.status_code == 409
    page = response.content.decode()
    stamp = f"{when.astimezone().strftime('%Y')}年"
    message = "该指标已被张填报于"
    assert message in page and stamp in page
    assert "修改，您的修改未保存；当前得分为3分，请刷新后重新填写。" in page
    # the current values are shown, and alice's input is kept in the form
    assert "data-current-score>3</strong>" in page and "carol 的说明" in page
    assert 'value="4.5"' in page and "alice 的说明" in page
    # the form now carries the version alice has seen, so saving again is her deliberate choice
    assert f'name="i{indicator.pk}-version" value="1"' in page
    assert _stored(draft_2024, indicator) == (Decimal("3"), "carol 的说明", "carol", 1)


def test_a_fresh_version_is_accepted_and_the_version_goes_up(client, draft_2024, alice):
    indicator = _indicator(draft_2024, "1.1")
    client.force_login(alice)
    assert _post(client, draft_2024, indicator, version=0, score="4", justification="").status_code == 302
    assert _stored(draft_2024, indicator)[3] == 1
    assert _post(client, draft_2024, indicator, version=1, score="4.5", justification="").status_code == 302
    assert _stored(draft_2024, indicator) == (Decimal("4.5"), "", "alice", 2)
    # saving again after reading the current values (the refused page carries the new version) goes through
    assert _post(client, draft_2024, indicator, version=1, score="5", justification="").status_code == 409
    assert _post(client, draft_2024, indicator, version=2, score="5", justification="").status_code == 302
    assert _stored(draft_2024, indicator) == (Decimal("5"), "", "alice", 3)


def test_two_first_saves_of_one_indicator_do_not_overwrite_each_other(client, draft_2024, alice, carol):
    indicator = _indicator(draft_2024, "1.1")
    client.force_login(carol)
    assert _post(client, draft_2024, indicator, version=0, score="2", justification="carol").status_code == 302
    client.force_login(alice)
    assert _post(client, draft_2024, indicator, version=0, score="4", justification="alice").status_code == 409
    assert _stored(draft_2024, indicator) == (Decimal("2"), "carol", "carol", 1)


def test_a_save_without_a_version_does_not_overwrite_an_existing_score(client, draft_2024, alice, carol):
    indicator = _indicator(draft_2024, "1.1")
    services.save_score(assessment=draft_2024, indicator=indicator, user=carol, value=Decimal("2"), justification="")
    client.force_login(alice)
    assert _post(client, draft_2024, indicator, score="4", justification="").status_code == 409
    assert _stored(draft_2024, indicator)[0] == Decimal("2")


def test_the_database_refuses_a_stale_update_even_when_python_read_the_old_version(draft_2024, alice, monkeypatch):
    """Another request commits between this one's read and its UPDATE: only ``WHERE version = …`` can see it."""
    indicator = _indicator(draft_2024, "1.1")
    score = services.save_score(
        assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("2"), justification=""
    )
    original = assessment.services.scores._score_state
    calls = []

    def state_then_concurrent_write(current, rules):
        if not calls:  # right after save_score has read version 1 and checked it against the form
            Score.objects.filter(pk=score.pk).update(score=Decimal("3"), version=2)
        calls.append(1)
        return original(current, rules)

    monkeypatch.setattr(assessment.services.scores, "_score_state", state_then_concurrent_write)
    with pytest.raises(services.StaleScore, match="当前得分为3分"):
        services.save_score(
            assessment=draft_2024,
            indicator=indicator,
            user=alice,
            value=Decimal("5"),
            justification="",
            expected_version=1,
        )
    # nothing of alice's save was written (here the "other request" shared her transaction, so it went too)
    assert Score.objects.get().score == Decimal("2")


def test_a_score_workbook_import_makes_open_forms_stale(client, draft_2024, alice, carol):
    indicator = _indicator(draft_2024, "1.1")
    services.save_score(assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("2"), justification="")
    row = services.ImportedRow(row_number=5, code="1.1", score=Decimal("4"), justification="导入")
    services.import_scores(assessment=draft_2024, user=carol, rows=[row])
    assert _stored(draft_2024, indicator) == (Decimal("4"), "导入", "carol", 2)
    client.force_login(alice)
    assert _post(client, draft_2024, indicator, version=1, score="1", justification="").status_code == 409
    # importing the same values again changes nothing, so the version stays
    services.import_scores(assessment=draft_2024, user=carol, rows=[row])
    assert _stored(draft_2024, indicator)[3] == 2


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_scorers_saving_one_indicator_at_once_one_wins_one_is_told(draft_2024, alice, carol):
    indicator = _indicator(draft_2024, "1.1")
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(user, value) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = services.save_score(
                assessment=draft_2024,
                indicator=indicator,
                user=user,
                value=Decimal(value),
                justification=user.username,
                expected_version=0,
            )
        except Exception as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in ((alice, "2"), (carol, "3"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [o for o in outcomes.values() if isinstance(o, Score)]
    refused = [o for o in outcomes.values() if isinstance(o, services.StaleScore)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    stored = Score.objects.get(assessment=draft_2024, indicator=indicator)
    assert (stored.justification, stored.version) == (saved[0].justification, 1)


# --- workflow moves -----------------------------------------------------------------------------------


def _at_once(action, users, assessment) -> dict[str, object]:
    barrier = threading.Barrier(len(users))
    outcomes: dict[str, object] = {}

    def move(user) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = services.move_assessment(assessment=assessment, user=user, action=action)
        except Exception as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_leaders_approving_at_once_make_one_workflow_event(submitted_2024, lea, changning):
    other = make_user("leo", changning, "领导")
    outcomes = _at_once(WorkflowEvent.Action.APPROVE, [lea, other], submitted_2024)
    moved = [o for o in outcomes.values() if isinstance(o, SelfAssessment)]
    refused = [o for o in outcomes.values() if isinstance(o, services.AssessmentError)]
    assert len(moved) == 1 and len(refused) == 1, outcomes
    assert "当前为“已审定”，不能审定" in str(refused[0])
    assert WorkflowEvent.objects.filter(assessment=submitted_2024, action="approve").count() == 1


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_scorers_submitting_at_once_make_one_workflow_event(draft_2024, alice, carol):
    score_all(draft_2024, alice)
    outcomes = _at_once(WorkflowEvent.Action.SUBMIT, [alice, carol], draft_2024)
    assert sum(isinstance(o, SelfAssessment) for o in outcomes.values()) == 1, outcomes
    assert WorkflowEvent.objects.filter(assessment=draft_2024, action="submit").count() == 1


# --- the report -------------------------------------------------------------------------------------------


def test_a_stale_report_edit_is_refused_with_the_current_content(client, report_demo):
    loaded = Report.objects.get(pk=report_demo.report.pk)  # what the leader's edit page was built from
    report_services.update_report(
        report=loaded,
        user=report_demo.scorer,
        fields={"title": "填报人改过的标题"},
        sections=[report_services.SectionData(1, "一、新的一节", "新的正文")],
        expected_version=loaded.version,
    )
    client.force_login(report_demo.leader)
    data = edit_data(loaded, sections=[]) | {"title": "领导改的标题"}
    response = client.post(reverse("assessment:report-edit", args=[loaded.pk]), data)

    assert response.status_code == 409
    page = response.content.decode()
    assert "该报告已被" in page and "您的修改未保存" in page
    assert "当前保存的内容" in page and "填报人改过的标题" in page and "新的正文" in page
    assert 'value="领导改的标题"' in page  # the leader's input is kept
    assert f'name="version" value="{loaded.version + 1}"' in page
    current = Report.objects.get(pk=loaded.pk)
    assert (current.title, current.version) == ("填报人改过的标题", loaded.version + 1)
    assert list(current.sections.values_list("body", flat=True)) == ["新的正文"]


def test_a_fresh_report_edit_is_accepted_and_the_version_goes_up(client, report_demo):
    report = Report.objects.get(pk=report_demo.report.pk)
    client.force_login(report_demo.leader)
    page = client.get(reverse("assessment:report-edit", args=[report.pk])).content.decode()
    assert f'name="version" value="{report.version}"' in page
    data = edit_data(report, sections=[]) | {"title": "新标题"}
    assert client.post(reverse("assessment:report-edit", args=[report.pk]), data).status_code == 302
    current = Report.objects.get(pk=report.pk)
    assert (current.title, current.version) == ("新标题", report.version + 1)


def test_the_service_refuses_a_stale_version_in_the_database(report_demo):
    report = Report.objects.get(pk=report_demo.report.pk)
    with pytest.raises(report_services.StaleReport):
        report_services.update_report(
            report=report,
            user=report_demo.leader,
            fields={"title": "x"},
            sections=[],
            expected_version=report.version - 1,
        )
    assert Report.objects.get(pk=report.pk).title == report.title


def test_a_correction_makes_an_edit_page_opened_before_the_sign_off_stale(client, report_demo):
    opened = Report.objects.get(pk=report_demo.report.pk)
    report_services.issue_report(report=opened, user=report_demo.leader)
    report_services.start_correction(report=Report.objects.get(pk=opened.pk), user=report_demo.leader)
    client.force_login(report_demo.leader)
    data = edit_data(opened, sections=[]) | {"title": "改"}
    assert client.post(reverse("assessment:report-edit", args=[opened.pk]), data).status_code == 409
    assert Report.objects.get(pk=opened.pk).title == opened.title
