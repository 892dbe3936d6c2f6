"""The 评分表 workbook through the pages: export, reopen with openpyxl, change, upload, see it; and every bad file.

Each bad upload must name the row or field in Chinese and leave every Score row exactly as it was.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessment import services
from assessment.models import Indicator, Score, SelfAssessment
from common.http import XLSX_MIME

TITLE = "上海市长宁区生态环境局2024年度执法机构规范化建设自评评分表"
HEADERS = ["编号", "指标", "满分", "得分", "自评说明"]
# Column A from row 4 down: the system rows (一 … 四) each followed by its indicators, then the total.
CODES = [
    "一", "1.1", "1.2", "1.3", "1.4",
    "二", "2.1", "2.2", "2.3",
    "三", "3.1", "3.2", "3.3", "3.4",
    "四", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6",
    "合计",
]  # fmt: skip
NOT_XLSX = "上传的文件不是 Excel 工作簿（.xlsx）文件。"


# --- helpers ------------------------------------------------------------------------------------------


def indicator(assessment: SelfAssessment, code: str) -> Indicator:
    return Indicator.objects.prefetch_related("rule_items").get(system__standard=assessment.standard, code=code)


def all_score_rows() -> list[tuple]:
    """Every Score row of every assessment, with who scored it and when: an import that fails changes none."""
    return list(
        Score.objects.order_by("pk").values_list(
            "pk", "assessment_id", "indicator_id", "score", "justification", "scored_by_id", "scored_at"
        )
    )


def export(client, assessment: SelfAssessment) -> bytes:
    response = client.get(reverse("assessment:export", args=[assessment.pk]))
    assert response.status_code == 200, response.status_code
    return response.content


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws, code: str) -> int:
    rows = [cell.row for cell in ws["A"] if cell.value == code]
    assert len(rows) == 1, (code, rows)
    return rows[0]


def set_cells(ws, code: str, *, score=..., justification=...) -> int:
    row = row_of(ws, code)
    if score is not ...:
        ws.cell(row=row, column=4).value = score
    if justification is not ...:
        ws.cell(row=row, column=5).value = justification
    return row


def upload(client, assessment: SelfAssessment, data: bytes, name: str = "评分表.xlsx"):
    return client.post(
        reverse("assessment:import", args=[assessment.pk]),
        {"workbook": SimpleUploadedFile(name, data, content_type=XLSX_MIME)},
    )


def page(response) -> str:
    return response.content.decode()


def assert_refused(response, *messages: str) -> None:
    assert response.status_code == 400, response.status_code
    text = page(response)
    assert "未导入任何内容" in text
    for message in messages:
        assert message in text, message


def shown_on_score_sheet(client, assessment: SelfAssessment, code: str) -> tuple[str, str]:
    """The saved score (data-saved) and the justification textarea of one indicator on the scoring page."""
    pk = indicator(assessment, code).pk
    html = page(client.get(reverse("assessment:score-sheet", args=[assessment.pk])))
    block = html[html.index(f'id="indicator-{pk}"') :]
    saved = re.search(r'data-saved="([^"]*)"', block).group(1)
    textarea = re.search(rf'<textarea name="i{pk}-justification"[^>]*>\s*(.*?)</textarea>', block, re.S).group(1)
    return saved, textarea


# --- fixtures -----------------------------------------------------------------------------------------


def save(assessment: SelfAssessment, user, code: str, value: str | None, text: str, **rule_counts) -> None:
    """Score one indicator the way the scoring page does; rule_counts maps a rule kind to its occurrences."""
    item = indicator(assessment, code)
    counts = {rule.pk: rule_counts.get(rule.kind, 0) for rule in item.rule_items.all()}
    value = None if value is None else Decimal(value)
    services.save_score(
        assessment=assessment, indicator=item, user=user, value=value, justification=text, rule_counts=counts
    )


@pytest.fixture
def scored(draft_2024, alice, client) -> SelfAssessment:
    """长宁区's 2024 draft with three indicators scored (2.2 by its rule items), alice logged in."""
    save(draft_2024, alice, "1.1", "4", "已编制权责清单，尚未全部公开。")
    save(draft_2024, alice, "1.2", "5", "三项制度均已落实。")
    save(draft_2024, alice, "2.2", None, "1件案件超期办结。", deduction=1)
    client.force_login(alice)
    return draft_2024


@pytest.fixture
def exported(client, scored) -> Workbook:
    return open_workbook(export(client, scored))


# --- export -------------------------------------------------------------------------------------------


def test_export_is_an_xlsx_download_named_for_the_bureau_and_year(client, scored):
    response = client.get(reverse("assessment:export", args=[scored.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="score-sheet-changning-2024.xlsx"')
    # 长宁区2024年度自评评分表.xlsx, percent-encoded (RFC 6266)
    assert "filename*=UTF-8''%E9%95%BF%E5%AE%81%E5%8C%BA2024" in disposition
    assert open_workbook(response.content).sheetnames == ["评分表"]


def test_export_has_the_title_identity_and_headers(exported):
    ws = exported["评分表"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:E1"]
    assert ws["A1"].value == TITLE
    assert ws["A1"].font.bold and ws["A1"].alignment.horizontal == "center"
    assert [c.value for c in ws[2]] == [
        "单位",
        "上海市长宁区生态环境局",
        "年度",
        2024,
        "标准：上海市生态环境保护综合行政执法机构规范化建设标准（第1版）",
    ]
    assert [c.value for c in ws[3]] == HEADERS
    assert all(c.font.bold for c in ws[3])


def test_export_has_a_row_per_system_with_subtotal_and_per_indicator_then_the_total(exported):
    ws = exported["评分表"]
    assert ws.max_row == 3 + len(CODES)
    assert [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)] == CODES

    # 一 构建执法制度体系: 1.1 scored 4, 1.2 scored 5, the others not yet → subtotal 9
    assert [c.value for c in ws[4]] == ["一", "构建执法制度体系", 20, 9, "小计（4个指标）"]
    assert [c.value for c in ws[5]] == ["1.1", "权责清单与执法事项清单", 5, 4, "已编制权责清单，尚未全部公开。"]
    assert [c.value for c in ws[6]] == ["1.2", "执法公示、全过程记录、法制审核三项制度", 5, 5, "三项制度均已落实。"]
    assert [c.value for c in ws[7]] == ["1.3", "裁量基准与免罚清单", 5, None, None]
    # 二: 2.2 scored by its rule items, 7 minus one deduction of 1
    assert [c.value for c in ws[9]] == ["二", "构建执法运行体系", 20, 6, "小计（3个指标）"]
    assert [c.value for c in ws[11]] == ["2.2", "案件查办", 7, 6, "1件案件超期办结。"]
    assert [c.value for c in ws[13]][:4] == ["三", "构建执法监督体系", 15, 0]
    assert [c.value for c in ws[18]][:4] == ["四", "构建执法保障体系", 45, 0]
    assert [c.value for c in ws[25]][:4] == ["合计", None, 100, 15]
    # codes are text, so Excel does not turn 1.10 into 1.1
    assert ws["A5"].number_format == "@"


def test_export_is_print_ready_with_widths_borders_and_a4_setup(exported):
    ws = exported["评分表"]
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths == {"A": 8, "B": 36, "C": 8, "D": 8, "E": 60}
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=5):
        for cell in row:
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    assert int(ws.page_setup.paperSize) == 9  # A4 in the OOXML paper size table
    assert ws.page_setup.orientation == "portrait"
    assert ws.print_title_rows == "$3:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.freeze_panes == "A4"


# --- the round trip -----------------------------------------------------------------------------------


def test_round_trip_saves_changed_scores_and_justifications_and_shows_them(client, scored, alice):
    wb = open_workbook(export(client, scored))
    ws = wb["评分表"]
    set_cells(ws, "1.2", score=4.5, justification="法制审核记录缺2份，扣0.5分。")
    set_cells(ws, "1.1", justification="已编制并全部公开权责清单。")
    set_cells(ws, "4.1", score=9.5, justification="1名执法人员证件过期，已补办。")

    response = upload(client, scored, to_bytes(wb))

    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:detail", args=[scored.pk])
    saved = {
        s.indicator.code: (s.score, s.justification, s.scored_by)
        for s in Score.objects.filter(assessment=scored).select_related("indicator")
    }
    assert saved == {
        "1.1": (Decimal("4.0"), "已编制并全部公开权责清单。", alice),
        "1.2": (Decimal("4.5"), "法制审核记录缺2份，扣0.5分。", alice),
        "2.2": (Decimal("6.0"), "1件案件超期办结。", alice),
        "4.1": (Decimal("9.5"), "1名执法人员证件过期，已补办。", alice),
    }
    detail = page(client.get(response["Location"]))
    assert "评分表已导入，更新了3个指标。" in detail
    assert 'id="assessment-total">24<' in detail
    assert shown_on_score_sheet(client, scored, "1.2") == ("4.5", "法制审核记录缺2份，扣0.5分。")
    assert shown_on_score_sheet(client, scored, "4.1") == ("9.5", "1名执法人员证件过期，已补办。")
    # and the next export carries the new values
    again = open_workbook(export(client, scored))["评分表"]
    assert again.cell(row=row_of(again, "1.2"), column=4).value == 4.5
    assert again.cell(row=row_of(again, "合计"), column=4).value == 24


def test_uploading_an_unchanged_export_changes_nothing(client, scored):
    before = all_score_rows()
    response = upload(client, scored, export(client, scored))
    assert response.status_code == 302
    assert "评分表已导入，更新了0个指标。" in page(client.get(response["Location"]))
    assert all_score_rows() == before


def test_clearing_a_score_in_the_workbook_unscores_the_indicator(client, scored):
    wb = open_workbook(export(client, scored))
    set_cells(wb["评分表"], "1.1", score=None)
    assert upload(client, scored, to_bytes(wb)).status_code == 302
    assert Score.objects.get(assessment=scored, indicator__code="1.1").score is None


def test_a_justification_starting_with_an_equals_sign_is_exported_as_text_and_survives_the_round_trip(
    client, scored, alice
):
    text = '=HYPERLINK("http://example.invalid","详见附件")'
    save(scored, alice, "1.3", "3", text)
    data = export(client, scored)
    ws = open_workbook(data)["评分表"]
    cell = ws.cell(row=row_of(ws, "1.3"), column=5)
    assert (cell.data_type, cell.value) == ("s", text)
    before = all_score_rows()
    assert upload(client, scored, data).status_code == 302
    assert all_score_rows() == before


# --- bad workbooks: a clear message naming the row or field, and nothing saved ------------------------


def test_a_workbook_without_the_score_sheet_is_refused(client, scored, exported):
    exported["评分表"].title = "Sheet1"
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(response, "工作簿中没有名为“评分表”的工作表（现有：Sheet1）。")
    assert all_score_rows() == before


def test_a_workbook_with_a_changed_header_is_refused(client, scored, exported):
    ws = exported["评分表"]
    ws["D3"] = "分数"
    set_cells(ws, "1.2", score=4.5)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(
        response, "第3行表头应为“编号、指标、满分、得分、自评说明”，实际为“编号、指标、满分、分数、自评说明”。"
    )
    assert all_score_rows() == before


def test_an_unknown_indicator_code_is_refused_with_its_row(client, scored, exported):
    ws = exported["评分表"]
    set_cells(ws, "1.2", score=4.5, justification="改过的说明")
    row = row_of(ws, "1.3")
    ws.cell(row=row, column=1, value="9.9")
    ws.cell(row=row, column=4, value=3)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(response, f"第{row}行：指标编号“9.9”不在本次自评所用的标准中。")
    assert all_score_rows() == before


@pytest.mark.parametrize(
    ("bad_score", "reason"),
    [
        (6, "得分6超过该指标满分5分。"),
        (-1, "得分不能为负数。"),
        (2.3, "得分2.3不是0.5的整数倍。"),
        ("abc", "得分“abc”不是数字。"),
    ],
    ids=["above-max", "negative", "not-a-half-step", "text"],
)
def test_a_bad_score_in_one_row_refuses_the_whole_file(client, scored, exported, bad_score, reason):
    ws = exported["评分表"]
    # valid changes above and below the bad row: none of them may be saved
    set_cells(ws, "1.2", score=4.5, justification="法制审核记录缺2份。")
    set_cells(ws, "3.1", score=4, justification="已落实执法责任制。")
    bad_row = set_cells(ws, "4.6", score=bad_score)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(response, f"第{bad_row}行（指标4.6）：{reason}")
    assert all_score_rows() == before


def test_every_bad_row_is_listed_not_only_the_first(client, scored, exported):
    ws = exported["评分表"]
    first = set_cells(ws, "1.3", score=5.5)
    second = set_cells(ws, "4.4", score="七分")
    response = upload(client, scored, to_bytes(exported))
    assert_refused(
        response,
        f"第{first}行（指标1.3）：得分5.5超过该指标满分5分。",
        f"第{second}行（指标4.4）：得分“七分”不是数字。",
    )
    assert "评分表有2处错误" in page(response)


def test_a_justification_over_2000_characters_is_refused_with_its_row(client, scored, exported):
    ws = exported["评分表"]
    set_cells(ws, "1.2", score=4.5)
    row = set_cells(ws, "1.4", score=5, justification="说" * 2001)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(response, f"第{row}行（指标1.4）：自评说明有2001字，超过2000字上限。")
    assert all_score_rows() == before


def test_a_justification_of_exactly_2000_characters_is_accepted(client, scored, exported):
    set_cells(exported["评分表"], "1.4", justification="说" * 2000)
    assert upload(client, scored, to_bytes(exported)).status_code == 302
    assert Score.objects.get(assessment=scored, indicator__code="1.4").justification == "说" * 2000


def _zip_without_content_types(_export: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("评分表.xlsx", lambda _: "这是一个改了扩展名的文本文件。\n".encode(), NOT_XLSX),
        (
            "评分表.csv",
            lambda _: "编号,指标,满分,得分,自评说明\n1.1,权责清单与执法事项清单,5,5,已落实\n".encode(),
            NOT_XLSX,
        ),
        ("评分表.xlsx", _zip_without_content_types, NOT_XLSX),
        (
            "评分表.xlsx",
            lambda export: export[: len(export) // 2],
            "上传的文件不是 Excel 工作簿（.xlsx）文件，或文件已损坏。",
        ),
    ],
    ids=["text-renamed-xlsx", "csv", "zip-without-content-types", "truncated-xlsx"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(client, scored, name, make, message):
    before = all_score_rows()
    response = upload(client, scored, make(export(client, scored)), name=name)
    assert_refused(response, message)
    assert all_score_rows() == before


def test_a_workbook_with_an_xml_entity_bomb_is_refused(client, scored):
    """defusedxml stops entity expansion inside the sheet XML; the user gets a plain message."""
    source = zipfile.ZipFile(io.BytesIO(export(client, scored)))
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.namelist():
            data = source.read(item)
            if item == "xl/worksheets/sheet1.xml":
                text = data.decode()
                data = text.replace("<worksheet", bomb + "<worksheet", 1).replace("<v>", "<v>&b;", 1).encode()
            archive.writestr(item, data)
    before = all_score_rows()
    response = upload(client, scored, buffer.getvalue())
    assert_refused(response, "上传的文件无法作为 Excel 工作簿打开，请上传由本系统导出的评分表（.xlsx）。")
    assert all_score_rows() == before


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_upload_without_a_file_asks_for_one(client, scored):
    response = client.post(reverse("assessment:import", args=[scored.pk]), {})
    assert response.status_code == 400
    assert "请选择要上传的评分表文件。" in page(response)


def test_the_workbook_of_another_organisation_is_refused(client, scored, xuhui_2024, alice, bob):
    client.force_login(bob)
    other = open_workbook(export(client, xuhui_2024))
    set_cells(other["评分表"], "1.1", score=1, justification="徐汇区的说明")
    client.force_login(alice)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(other))
    assert_refused(
        response,
        "第2行显示该评分表属于“上海市徐汇区生态环境局”2024年度，与当前自评（上海市长宁区生态环境局2024年度）不符。",
    )
    assert all_score_rows() == before


def test_the_workbook_of_another_year_is_refused(client, scored, standard, changning):
    last_year = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    old = open_workbook(export(client, last_year))
    set_cells(old["评分表"], "1.1", score=2, justification="2023年的说明")
    before = all_score_rows()
    response = upload(client, scored, to_bytes(old))
    assert_refused(
        response,
        "第2行显示该评分表属于“上海市长宁区生态环境局”2023年度，与当前自评（上海市长宁区生态环境局2024年度）不符。",
    )
    assert all_score_rows() == before


@pytest.mark.parametrize(("code", "new_score"), [("2.2", 7), ("4.3", 10)], ids=["scored-2.2", "unscored-4.3"])
def test_a_rule_based_score_changed_in_the_workbook_is_refused(client, scored, exported, code, new_score):
    ws = exported["评分表"]
    set_cells(ws, "1.2", score=4.5, justification="法制审核记录缺2份。")
    row = set_cells(ws, code, score=new_score)
    before = all_score_rows()
    response = upload(client, scored, to_bytes(exported))
    assert_refused(
        response,
        f"第{row}行：指标{code}的得分按评分规则计算，请在评分页面录入扣分/加分次数，不能直接修改得分。",
    )
    assert all_score_rows() == before


def test_the_justification_of_a_rule_based_indicator_may_be_changed_in_the_workbook(client, scored, exported):
    set_cells(exported["评分表"], "2.2", justification="1件案件超期办结，已整改。")
    assert upload(client, scored, to_bytes(exported)).status_code == 302
    score = Score.objects.get(assessment=scored, indicator__code="2.2")
    assert (score.score, score.justification) == (Decimal("6.0"), "1件案件超期办结，已整改。")


@pytest.mark.parametrize(
    ("fixture", "status_label"),
    [("submitted_2024", "已提交"), ("approved_2024", "已审定")],
    ids=["submitted", "approved"],
)
def test_import_into_a_submitted_or_approved_assessment_is_refused(client, request, alice, fixture, status_label):
    assessment = request.getfixturevalue(fixture)
    client.force_login(alice)
    wb = open_workbook(export(client, assessment))
    set_cells(wb["评分表"], "1.1", score=2, justification="提交后又改的说明")
    before = all_score_rows()

    form = client.get(reverse("assessment:import", args=[assessment.pk]))
    response = upload(client, assessment, to_bytes(wb))

    detail = reverse("assessment:detail", args=[assessment.pk])
    assert (form.status_code, form["Location"]) == (302, detail)
    assert (response.status_code, response["Location"]) == (302, detail)
    text = page(client.get(detail))
    assert f"自评{status_label}，不能导入评分表。" in text
    assert reverse("assessment:import", args=[assessment.pk]) not in text
    assert all_score_rows() == before
