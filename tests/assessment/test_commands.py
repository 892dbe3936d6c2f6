"""The management commands: export_scores / import_scores (the 评分表 from the shell) and load_standard."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts import roles
from assessment import services
from assessment.models import Indicator, RuleItem, Score, Standard, System
from tests.conftest import STANDARD_FILE, make_user


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (Standard.objects.count(), System.objects.count(), Indicator.objects.count(), RuleItem.objects.count())


def all_score_rows() -> list[tuple]:
    return list(
        Score.objects.order_by("pk").values_list(
            "pk", "assessment_id", "indicator_id", "score", "justification", "scored_by_id", "scored_at"
        )
    )


def raw_standard() -> dict:
    return yaml.safe_load(STANDARD_FILE.read_text(encoding="utf-8"))


def row_of(ws, code: str) -> int:
    return next(cell.row for cell in ws["A"] if cell.value == code)


@pytest.fixture
def scored(draft_2024, alice):
    services.save_score(
        assessment=draft_2024,
        indicator=Indicator.objects.get(system__standard=draft_2024.standard, code="1.1"),
        user=alice,
        value=Decimal("4"),
        justification="已编制权责清单。",
    )
    return draft_2024


# --- export_scores / import_scores ------------------------------------------------------------------


def test_export_scores_writes_the_score_workbook(scored, tmp_path):
    out = tmp_path / "评分表.xlsx"
    message = run("export_scores", "--org", "changning", "--year", "2024", "--out", str(out))
    assert f"已导出长宁区2024年度自评评分表到 {out}" in message
    ws = load_workbook(out)["评分表"]
    assert ws["A1"].value == "上海市长宁区生态环境局2024年度执法机构规范化建设自评评分表"
    assert [ws["B2"].value, ws["D2"].value] == ["上海市长宁区生态环境局", 2024]
    assert [ws.cell(row=row_of(ws, "1.1"), column=c).value for c in (4, 5)] == [4, "已编制权责清单。"]


def test_export_scores_for_an_unknown_assessment_is_a_command_error(scored, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="找不到机构“changning”2030年度的自评。"):
        run("export_scores", "--org", "changning", "--year", "2030", "--out", str(out))
    assert not out.exists()


def test_export_scores_to_a_missing_directory_is_a_command_error(scored, tmp_path):
    with pytest.raises(CommandError):
        run("export_scores", "--org", "changning", "--year", "2024", "--out", str(tmp_path / "没有的目录" / "x.xlsx"))


def test_import_scores_round_trip_saves_the_changed_score(scored, alice, tmp_path):
    path = tmp_path / "评分表.xlsx"
    run("export_scores", "--org", "changning", "--year", "2024", "--out", str(path))
    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(row=row_of(ws, "1.1"), column=4).value = 4.5
    ws.cell(row=row_of(ws, "1.3"), column=4).value = 3
    ws.cell(row=row_of(ws, "1.3"), column=5).value = "裁量基准已执行。"
    wb.save(path)

    message = run("import_scores", str(path), "--org", "changning", "--year", "2024")

    assert "已导入长宁区2024年度自评评分表，更新了2个指标。" in message
    saved = {s.indicator.code: (s.score, s.justification, s.scored_by) for s in Score.objects.filter(assessment=scored)}
    assert saved == {
        "1.1": (Decimal("4.5"), "已编制权责清单。", alice),
        "1.3": (Decimal("3.0"), "裁量基准已执行。", alice),
    }


def test_import_scores_records_the_named_scorer(scored, changning, tmp_path):
    carol = make_user("carol", changning, roles.SCORER)
    path = tmp_path / "评分表.xlsx"
    run("export_scores", "--org", "changning", "--year", "2024", "--out", str(path))
    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(row=row_of(ws, "1.2"), column=4).value = 5
    wb.save(path)
    run("import_scores", str(path), "--org", "changning", "--year", "2024", "--user", "carol")
    assert Score.objects.get(assessment=scored, indicator__code="1.2").scored_by == carol


def test_import_scores_with_a_bad_row_is_a_command_error_and_saves_nothing(scored, tmp_path):
    path = tmp_path / "评分表.xlsx"
    run("export_scores", "--org", "changning", "--year", "2024", "--out", str(path))
    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(row=row_of(ws, "1.1"), column=4).value = 4.5
    bad = row_of(ws, "1.4")
    ws.cell(row=bad, column=4).value = 9
    wb.save(path)
    before = all_score_rows()
    with pytest.raises(CommandError) as refused:
        run("import_scores", str(path), "--org", "changning", "--year", "2024")
    assert "评分表有错误，未导入任何内容" in str(refused.value)
    assert f"第{bad}行（指标1.4）：得分9超过该指标满分5分。" in str(refused.value)
    assert all_score_rows() == before


def test_import_scores_of_a_missing_file_or_unknown_user_is_a_command_error(scored, tmp_path):
    with pytest.raises(CommandError):
        run("import_scores", str(tmp_path / "没有这个文件.xlsx"), "--org", "changning", "--year", "2024")
    path = tmp_path / "评分表.xlsx"
    run("export_scores", "--org", "changning", "--year", "2024", "--out", str(path))
    with pytest.raises(CommandError, match="机构“changning”没有可用的填报人账号“nobody”。"):
        run("import_scores", str(path), "--org", "changning", "--year", "2024", "--user", "nobody")


# --- load_standard ------------------------------------------------------------------------------------


def test_load_standard_twice_reports_no_change_the_second_time(db):
    first = run("load_standard", str(STANDARD_FILE))
    assert "上海市生态环境保护综合行政执法机构规范化建设标准（第1版）：已创建（已发布）" in first
    after_first = counts()
    assert after_first == (1, 4, 17, 6)

    second = run("load_standard", str(STANDARD_FILE))

    assert "：无变化（已发布）" in second
    assert counts() == after_first
    standard = Standard.objects.get()
    assert [s.indicators.count() for s in standard.systems.order_by("order")] == [4, 3, 4, 6]


def test_load_standard_reads_a_json_file(db, tmp_path):
    path = tmp_path / "standard.json"
    raw = raw_standard()
    raw["version"] = 5
    raw["status"] = "draft"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")

    message = run("load_standard", str(path))

    assert "（第5版）：已创建（草稿）" in message
    standard = Standard.objects.get(version=5)
    assert not standard.is_published
    assert counts() == (1, 4, 17, 6)
    indicator = Indicator.objects.get(system__standard=standard, code="4.2")
    assert (indicator.max_score, indicator.responsible_department) == (Decimal("8"), "执法大队")
    bonus = indicator.rule_items.get(kind="bonus")
    assert (bonus.points, bonus.cap) == (Decimal("1"), Decimal("2"))


def test_the_json_form_of_the_shipped_yaml_is_the_same_standard(db, tmp_path):
    run("load_standard", str(STANDARD_FILE))
    before = counts()
    path = tmp_path / "shanghai.json"
    path.write_text(json.dumps(raw_standard(), ensure_ascii=False), encoding="utf-8")
    assert "：无变化（已发布）" in run("load_standard", str(path))
    assert counts() == before


def test_load_standard_refuses_changed_content_for_a_published_version(db, tmp_path):
    run("load_standard", str(STANDARD_FILE))
    before = counts()
    raw = raw_standard()
    raw["systems"][0]["indicators"][0]["name"] = "权责清单（修订）"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError, match="已发布，不能修改；请复制为新版本后再修改。"):
        run("load_standard", str(path))

    assert counts() == before
    assert Indicator.objects.get(code="1.1").name == "权责清单与执法事项清单"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [未闭合\nsystems:\n  - : :\n", "格式错误"),
        ("- 只是一个列表\n", "标准文件的顶层必须是一个对象。"),
        ("name: 标准\nissuer: 市局\nyear_from: 2024\n", "标准缺少“systems”。"),
    ],
    ids=["not-yaml", "not-a-mapping", "missing-systems"],
)
def test_a_bad_standard_file_is_a_command_error_in_chinese(db, tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("load_standard", str(path))
    assert counts() == (0, 0, 0, 0)


def test_a_missing_or_broken_json_standard_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取标准文件"):
        run("load_standard", str(tmp_path / "没有这个文件.yaml"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "标准", "systems": [', encoding="utf-8")
    with pytest.raises(CommandError, match="格式错误"):
        run("load_standard", str(broken))
    assert counts() == (0, 0, 0, 0)


def test_a_standard_file_with_a_bad_score_names_the_indicator(db, tmp_path):
    raw = raw_standard()
    raw["systems"][1]["indicators"][2]["max_score"] = "五分"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="第2个体系第3个指标：“五分”不是数字。"):
        run("load_standard", str(path))
    assert counts() == (0, 0, 0, 0)


def test_a_published_standard_file_whose_maxima_do_not_add_up_is_refused(db, tmp_path):
    raw = raw_standard()
    raw["systems"][3]["indicators"][0]["max_score"] = 12
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="体系“构建执法保障体系”满分为45分，但其指标满分合计为47分。"):
        run("load_standard", str(path))
    assert counts() == (0, 0, 0, 0)
