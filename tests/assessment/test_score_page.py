"""The scoring page: each indicator saved on its own, live totals, evidence, and every bad input."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import services
from assessment.models import Evidence, Indicator, Score, Standard, System
from tests.conftest import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _indicator(assessment, code):
    return Indicator.objects.prefetch_related("rule_items").get(system__standard=assessment.standard, code=code)


def _save(client, assessment, indicator, **fields):
    data = {f"i{indicator.pk}-{key}": value for key, value in fields.items()}
    return client.post(reverse("assessment:score-edit", args=[assessment.pk, indicator.pk]), data)


def _scores(assessment):
    return list(Score.objects.filter(assessment=assessment).values_list("indicator__code", "score", "justification"))


def test_scoring_page_groups_indicators_by_system_with_subtotals(client, draft_2024, alice):
    services.save_score(
        assessment=draft_2024,
        indicator=_indicator(draft_2024, "1.1"),
        user=alice,
        value=Decimal("4.5"),
        justification="",
    )
    client.force_login(alice)
    response = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("构建执法制度体系", "构建执法运行体系", "构建执法监督体系", "构建执法保障体系"):
        assert name in page
    assert "data-total>4.5</span> / 100" in page
    assert "1.1 权责清单与执法事项清单" in page and "4.6 办案场所" in page
    assert "js/scoring.js" in page


def test_my_department_filter_hides_other_departments_indicators(client, draft_2024, alice):
    client.force_login(alice)
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk])).content.decode()
    office = _indicator(draft_2024, "1.1")  # 执法宣传科
    mine = _indicator(draft_2024, "1.4")  # 执法大队
    assert f'indicator-row d-none" id="indicator-{office.pk}"' in page
    assert f'indicator-row" id="indicator-{mine.pk}"' in page
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    assert f'indicator-row" id="indicator-{office.pk}"' in page


def test_saving_one_indicator_leaves_the_others_alone(client, draft_2024, alice, changning):
    other = make_user("carol", changning, "填报人")
    first, second = _indicator(draft_2024, "1.1"), _indicator(draft_2024, "1.2")
    client.force_login(other)
    _save(client, draft_2024, second, score="3", justification="carol 的说明")
    client.force_login(alice)
    response = _save(client, draft_2024, first, score="4.5", justification="清单已公开")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicator-{first.pk}")
    assert sorted(_scores(draft_2024)) == [
        ("1.1", Decimal("4.5"), "清单已公开"),
        ("1.2", Decimal("3"), "carol 的说明"),
    ]
    score = Score.objects.get(assessment=draft_2024, indicator=first)
    assert score.scored_by == alice and score.scored_at is not None


def test_subtotals_and_total_follow_saved_scores(client, draft_2024, alice):
    client.force_login(alice)
    _save(client, draft_2024, _indicator(draft_2024, "1.1"), score="4", justification="")
    _save(client, draft_2024, _indicator(draft_2024, "4.1"), score="9.5", justification="")
    page = client.get(reverse("assessment:detail", args=[draft_2024.pk])).content.decode()
    assert '<td class="text-end fw-bold">4</td>' in page
    assert '<td class="text-end fw-bold">9.5</td>' in page
    assert '<th class="text-end">13.5</th>' in page


def test_rule_based_indicator_score_comes_from_the_counts(client, draft_2024, alice):
    indicator = _indicator(draft_2024, "4.2")  # 8 points; -0.5 per person short of hours; +1 per award, cap 2
    deduction, bonus = indicator.rule_items.all()
    client.force_login(alice)
    response = client.post(
        reverse("assessment:score-edit", args=[draft_2024.pk, indicator.pk]),
        {
            f"i{indicator.pk}-score": "8",  # ignored: the rules decide
            f"i{indicator.pk}-rule_{deduction.pk}": "6",
            f"i{indicator.pk}-rule_{bonus.pk}": "5",
            f"i{indicator.pk}-justification": "6人学时不足，获表彰5次",
        },
    )
    assert response.status_code == 302
    score = Score.objects.get(assessment=draft_2024, indicator=indicator)
    assert score.score == Decimal("7")  # 8 - 3 + min(5, 2)
    assert dict(score.rule_counts.values_list("rule_item_id", "occurrences")) == {deduction.pk: 6, bonus.pk: 5}


def test_veto_zeroes_a_rule_based_indicator(client, draft_2024, alice):
    indicator = _indicator(draft_2024, "2.2")
    _deduction, veto = indicator.rule_items.all()
    client.force_login(alice)
    _save(client, draft_2024, indicator, **{f"rule_{veto.pk}": "1", "justification": ""})
    assert Score.objects.get(assessment=draft_2024, indicator=indicator).score == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"score": "5.5"}, "得分5.5超过该指标满分5分。"),
        ({"score": "-1"}, "得分不能为负数。"),
        ({"score": "3.2"}, "得分3.2不是0.5的整数倍。"),
        ({"score": "四分"}, "得分“四分”不是数字。"),
        ({"score": "4", "justification": "说" * 2001}, "自评说明最多2000字（现有2001字）。"),
    ],
)
def test_bad_score_input_is_refused_next_to_its_field_and_nothing_is_saved(client, draft_2024, alice, fields, message):
    indicator = _indicator(draft_2024, "1.1")
    client.force_login(alice)
    response = _save(client, draft_2024, indicator, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "指标1.1未保存，请按提示修改。" in page
    assert _scores(draft_2024) == []


def test_bad_rule_count_is_refused(client, draft_2024, alice):
    indicator = _indicator(draft_2024, "4.3")
    rule = indicator.rule_items.get()
    client.force_login(alice)
    response = _save(client, draft_2024, indicator, **{f"rule_{rule.pk}": "-2"})
    assert response.status_code == 400
    assert "次数不能为负数。" in response.content.decode()
    assert _scores(draft_2024) == []


def _upload(client, assessment, indicator, *files, score="4"):
    return client.post(
        reverse("assessment:score-edit", args=[assessment.pk, indicator.pk]),
        {
            f"i{indicator.pk}-score": score,
            f"i{indicator.pk}-justification": "见附件",
            f"i{indicator.pk}-evidence": list(files),
        },
    )


def test_evidence_files_are_stored_under_server_names_and_downloaded_as_attachments(
    client, draft_2024, alice, settings
):
    indicator = _indicator(draft_2024, "1.2")
    client.force_login(alice)
    response = _upload(
        client,
        draft_2024,
        indicator,
        SimpleUploadedFile("公示制度.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("../../现场照片.PNG", PNG, content_type="image/png"),
    )
    assert response.status_code == 302
    evidence = list(Evidence.objects.filter(score__assessment=draft_2024).order_by("pk"))
    assert [e.original_name for e in evidence] == ["公示制度.pdf", "现场照片.PNG"]
    for item in evidence:
        assert item.file.name.startswith("evidence/changning/2024/")
        assert "公示" not in item.file.name and ".." not in item.file.name
        assert (settings.MEDIA_ROOT / item.file.name).exists()
    download = client.get(reverse("assessment:evidence-download", args=[draft_2024.pk, evidence[0].pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    assert "公示制度.pdf" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("恶意.exe", b"MZ\x90\x00", "文件“恶意.exe”的类型不允许"),
        ("伪装.pdf", b"<html>not a pdf</html>", "文件“伪装.pdf”的内容与扩展名.pdf不符。"),
        ("空.png", b"", "上传的文件是空文件。"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_of_the_form_is_saved(client, draft_2024, alice, name, content, message):
    indicator = _indicator(draft_2024, "1.2")
    client.force_login(alice)
    response = _upload(client, draft_2024, indicator, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _scores(draft_2024) == []
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(client, draft_2024, alice, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    indicator = _indicator(draft_2024, "1.2")
    client.force_login(alice)
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * (1024 * 1024))
    response = _upload(client, draft_2024, indicator, big)
    assert response.status_code == 400
    assert "超过上限1 MB" in response.content.decode()
    assert _scores(draft_2024) == [] and not Evidence.objects.exists()


def test_evidence_can_be_deleted_while_draft(client, draft_2024, alice, settings, django_capture_on_commit_callbacks):
    indicator = _indicator(draft_2024, "1.2")
    client.force_login(alice)
    _upload(client, draft_2024, indicator, SimpleUploadedFile("a.pdf", PDF))
    evidence = Evidence.objects.get()
    path = settings.MEDIA_ROOT / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:evidence-delete", args=[draft_2024.pk, evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists() and not path.exists()


def test_leader_sees_the_scores_read_only(client, draft_2024, lea, alice):
    indicator = _indicator(draft_2024, "1.1")
    services.save_score(assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("4"), justification="")
    client.force_login(lea)
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk])).content.decode()
    assert "保存本指标" not in page
    assert "打分由本单位填报人完成" in page
    assert _save(client, draft_2024, indicator, score="1", justification="").status_code == 403
    assert Score.objects.get(indicator=indicator).score == 4


def _grow_standard(standard: Standard, extra: int) -> None:
    system = System.objects.filter(standard=standard).order_by("order").last()
    for n in range(extra):
        Indicator.objects.create(
            system=system,
            order=100 + n,
            code=f"9.{n}",
            name=f"附加指标{n}",
            max_score=Decimal("1"),
            responsible_department="执法大队",
        )


def test_scoring_page_query_count_does_not_grow_with_indicators(client, draft_2024, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.save_score(
        assessment=draft_2024, indicator=_indicator(draft_2024, "1.1"), user=alice, value=Decimal("1"), justification=""
    )
    client.force_login(alice)
    url = reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_standard(draft_2024.standard, 40)
    for indicator in Indicator.objects.filter(code__startswith="9.")[:20]:
        services.save_score(
            assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("1"), justification="x"
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count('class="card mb-2 indicator-row') == 57
    assert len(large.captured_queries) == len(small.captured_queries)
    # 15, plus the fixed queries of the standard's measures ("记录显示：N": the rule items, the typed counts, and
    # 1 + 1 + 2 + 3 for late decisions, failed case files, training hours and equipment)
    assert len(large.captured_queries) <= 15 + 9
