"""Bad input (issue 5, "Bad inputs"): every malformed file of tests/corpus/ through the real upload pages, and
HTML/script typed into every free-text field.

Each corpus file goes to the page a scorer of 长宁区 uses (the 台账 import page with its task run in-process,
the 评分表 import page, the scoring page's 佐证材料 upload). For each the table below pins a Chinese message
that says what is wrong and where (sheet, row, column, cell, where there is one); and the database is the same
afterwards: every record, score, rule count and piece of evidence (a failed ledger import keeps only its own
LedgerImport row, which says why it failed).

The files are written by tests/corpus/build.py (a test checks that the committed ones are what it writes); the
1,048,576-row sheets and the zip bombs are built at test time into tmp_path.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import defusedxml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services as assessment_services
from assessment.models import Evidence, Indicator, Report, RuleCount, Score
from assessment.reports import services as report_services
from assessment.reports.pdf import build_report_pdf
from common.http import XLSX_MIME
from inspections.ledger.reader import read_ledger
from inspections.models import Dispatch, Equipment, Inspection, LedgerImport, PenaltyCase, PollutionSource, Training
from inspections.services import import_ledger
from tests.assessment import conftest as assessment_fixtures
from tests.corpus import build
from tests.inspections.records_helpers import VALID_CODES, database_snapshot, good_ledger, workbook

# The fixtures of tests/assessment/conftest.py, which pytest only offers to tests under tests/assessment/.
standard = assessment_fixtures.standard
draft_2024 = assessment_fixtures.draft_2024
submitted_2024 = assessment_fixtures.submitted_2024

LEDGER_MAX = 50 * 1024 * 1024
NOT_XLSX = "上传的文件不是 Excel 工作簿（.xlsx）文件。"
DAMAGED_ZIP = "上传的文件不是 Excel 工作簿（.xlsx）文件，或文件已损坏。"
MACROS = "上传的文件是启用宏的工作簿（.xlsm），不予导入；请在 Excel 中另存为“Excel 工作簿（.xlsx）”后上传。"
BOMB = "上传的文件解压后超过200 MB，已拒绝。"
LEDGER_UNOPENABLE = "上传的文件无法作为 Excel 工作簿打开，文件可能已损坏或不是 .xlsx 格式。"
SCORE_UNOPENABLE = "上传的文件无法作为 Excel 工作簿打开，请上传由本系统导出的评分表（.xlsx）。"
NOT_XLSX_NAME = "不是 .xlsx 文件；请上传 Excel 工作簿（.xlsx），不支持 .xls、.xlsm、.csv。"
SHEET_DAMAGED = "内容已损坏，第{row}行附近无法读取（不是 Excel 能正常保存的内容）"

# file → the messages the page must show (the first says what and where; all must appear)
CORPUS: dict[str, tuple[str, ...]] = {
    # --- 台账 (ledger) -------------------------------------------------------------------------------------
    "ledger-wrong-headers.xlsx": (
        "工作表“行政处罚”第1行“罚款金额（元）”列：缺少必需的列“罚款金额（元）”",
        "第1行现有不认识的表头：罚款金额(万元)",
    ),
    # The ledger finds its columns by header text (docs/records.md: "exactly these texts; extra columns are
    # ignored"), so reversed columns are read correctly: the bad count is reported in column D, where it now is.
    "ledger-shuffled-columns.xlsx": ("工作表“执法出动”第3行“出动人数”列（D3）：“两人”不是数字，请填写整数",),
    "ledger-duplicate-header.xlsx": ("工作表“执法装备”第1行“资产编号”列（F1）：表头“资产编号”出现了两次（另见A1）",),
    "ledger-merged-header.xlsx": ("工作表“执法出动”第1行“出动日期”列：缺少必需的列“出动日期”",),
    "ledger-formula.xlsx": ("工作表“培训记录”第2行“参训人数”列（E2）：单元格是公式“=30+5”，请改为填写数值或文字",),
    "ledger-external-link.xlsx": ("工作表“培训记录”第2行“参训人数”列（E2）：单元格是公式“=[1]Sheet1!A1”",),
    "ledger-macro-enabled.xlsx": (MACROS,),
    "ledger-macro-enabled.xlsm": ("“ledger-macro-enabled.xlsm”" + NOT_XLSX_NAME,),
    "ledger-legacy.xls": ("“ledger-legacy.xls”" + NOT_XLSX_NAME,),
    "ledger-legacy-renamed.xlsx": (NOT_XLSX,),
    "ledger-csv-renamed.xlsx": (NOT_XLSX,),
    "ledger-empty.xlsx": ("所提交的是空文件。",),
    "ledger-truncated.xlsx": (DAMAGED_ZIP,),
    "ledger-docx-renamed.xlsx": (LEDGER_UNOPENABLE,),
    "ledger-too-many-entries.xlsx": ("上传的文件包含613个内部文件，超过上限500个，已拒绝。",),
    "ledger-entity-expansion.xlsx": (LEDGER_UNOPENABLE,),
    "ledger-external-entity.xlsx": (LEDGER_UNOPENABLE,),
    "ledger-dates-out-of-range.xlsx": (
        "工作表“执法出动”第2行“出动日期”列（B2）：“1900-01-01”的年份不在1990—2100年之间",
        "工作表“执法出动”第3行“出动日期”列（B3）：“2101-01-01”的年份不在1990—2100年之间",
        "工作表“执法出动”第4行“出动日期”列（B4）：“2023-02-30”不是有效日期（没有这一天）",
        "工作表“执法装备”第2行“购置日期”列（D2）：“上周三”不是日期",
    ),
    "ledger-date-serial-overflow.xlsx": ("工作表“执法出动”第2行“出动日期”列（B2）：“#VALUE!”不是日期",),
    "ledger-negative-numbers.xlsx": (
        "工作表“执法出动”第2行“出动人数”列（C2）：不能为负数（填写的是-2）",
        "工作表“行政处罚”第2行“罚款金额（元）”列（H2）：不能为负数（填写的是-100）",
        "工作表“培训记录”第3行“学时”列（F3）：不能为负数（填写的是-1）",
    ),
    "ledger-non-numeric.xlsx": (
        "工作表“执法出动”第2行“出动人数”列（C2）：“两人”不是数字，请填写整数",
        "工作表“行政处罚”第2行“罚款金额（元）”列（H2）：“九十万”不是数字，请只填写元数",
        "工作表“培训记录”第2行“参训人数”列（E2）：“三十”不是数字，请填写整数",
        "工作表“培训记录”第3行“学时”列（F3）：“#DIV/0!”不是数字",
    ),
    "ledger-huge-numbers.xlsx": (
        "工作表“行政处罚”第2行“罚款金额（元）”列（H2）：“1e999999999”超过上限9999999999.99",
        "工作表“培训记录”第2行“学时”列（F2）：“1e999999999”超过上限9999.9",
        "工作表“执法出动”第2行“出动人数”列（C2）：“1000000000000000019884624838656”超过上限999",
    ),
    "ledger-invalid-credit-codes.xlsx": (
        "工作表“污染源检查”第2行“统一社会信用代码”列（D2）：统一社会信用代码“9144030071526726XH”校验位错误"
        "（按GB 32100-2015应为“G”）",
        "工作表“污染源检查”第3行“统一社会信用代码”列（D3）：统一社会信用代码应为18位，“91440300715267”为14位",
        "工作表“行政处罚”第2行“统一社会信用代码”列（C2）：统一社会信用代码“91440300715267I6XG”含有不允许的字符“I”",
    ),
    "ledger-duplicate-case-numbers.xlsx": (
        "工作表“行政处罚”第5行“案件编号”列：案件编号“长环罚〔2023〕2号”与第3行重复，同一文件中只能出现一次",
    ),
    "ledger-unknown-dispatch.xlsx": (
        "工作表“污染源检查”第3行“出动编号”列：出动编号“CD-NOWHERE”既不在“执法出动”工作表中，也不是本单位已有的出动记录",
    ),
    "ledger-long-strings.xlsx": (
        "工作表“执法出动”第2行“备注”列（F2）：内容有100000个字，超过1000字上限",
        "工作表“行政处罚”第2行“单位名称”列（B2）：内容有100000个字，超过200字上限",
        "工作表“污染源检查”第2行“统一社会信用代码”列（D2）：统一社会信用代码应为18位，“" + "长" * 30 + "…”为100000位",
    ),
    "ledger-control-characters.xlsx": (
        "工作表“执法出动”第2行“出动编号”列（A2）：“CD2023\x7f001”含有不可见字符（U+007F），请删除后重新填写",
        "工作表“执法出动”第3行“备注”列（F3）：“第一行\x85第二行”含有不可见字符（U+0085）",
    ),
    "ledger-illegal-xml-character.xlsx": ("工作表“执法出动”：" + SHEET_DAMAGED.format(row=1),),
    "ledger-rtl-zero-width.xlsx": (
        "工作表“执法出动”第2行“出动编号”列（A2）：“CD2023-001\u200b”含有不可见字符（U+200B）",
        "工作表“污染源检查”第3行“统一社会信用代码”列（D3）：“\u202e9144030071526726XG”含有不可见字符（U+202E）",
    ),
    "ledger-no-ledger-sheet.xlsx": (
        "工作簿中没有可导入的工作表：工作表名称应为执法出动、污染源检查、行政处罚、执法装备、培训记录、执法人员（现有：Sheet1）",
    ),
    "ledger-empty-sheet.xlsx": ("工作表“执法出动”第1行：工作表是空的，缺少第1行表头",),
    # The sheet claims to end at row 1; the rows after it are read all the same (the bad row 2 is reported).
    "ledger-wrong-dimension.xlsx": ("工作表“执法出动”第2行“执法人员”列：列出了3名执法人员，多于出动人数2",),
    "ledger-damaged-cell.xlsx": ("工作表“执法出动”：" + SHEET_DAMAGED.format(row=3),),
    "ledger-row-number-overflow.xlsx": ("工作表“执法出动”：行号超过 Excel 的上限1048576行，文件已损坏。",),
    "ledger-unknown-choices.xlsx": (
        "工作表“执法出动”第2行“任务类型”列（E2）：“日常巡查”不是可选的任务类型，应为：日常监管、专项执法、信访投诉、双随机抽查、其他",
        "工作表“行政处罚”第2行“是否移送公安”列（I2）：“不确定”应填写“是”或“否”",
    ),
    # built at test time
    "ledger-million-rows.xlsx": (
        "工作表“执法出动”：有1048576行，全部工作表合计1048575行数据，超过每次导入的上限200000行",
    ),
    "ledger-zip-bomb-declared.xlsx": (BOMB,),
    "ledger-zip-bomb-deflate.xlsx": (BOMB,),
    # --- 评分表 ---------------------------------------------------------------------------------------------
    "score-wrong-headers.xlsx": (
        "第3行表头应为“编号、指标、满分、得分、自评说明”，实际为“编号、指标、满分、分数、自评说明”。",
    ),
    # The 评分表 reader takes columns by position (it reads back its own export), so correct headers in
    # another order are refused, naming the order found.
    "score-shuffled-columns.xlsx": (
        "第3行表头应为“编号、指标、满分、得分、自评说明”，实际为“编号、指标、满分、自评说明、得分”。",
    ),
    "score-merged-header.xlsx": (
        "第3行表头应为“编号、指标、满分、得分、自评说明”，实际为“编号、指标、满分、得分、（空）”。",
    ),
    "score-formula.xlsx": ("第5行（指标1.1）：“得分”单元格（D5）是公式“=4+1”，请改为直接填写数值或文字",),
    "score-external-link.xlsx": ("第5行（指标1.1）：“得分”单元格（D5）是公式“=[1]Sheet1!A1”",),
    "score-macro-enabled.xlsx": (MACROS,),
    "score-legacy.xls": (NOT_XLSX,),
    "score-csv-renamed.xlsx": (NOT_XLSX,),
    "score-empty.xlsx": ("所提交的是空文件。",),
    "score-truncated.xlsx": (DAMAGED_ZIP,),
    "score-docx-renamed.xlsx": (SCORE_UNOPENABLE,),
    "score-too-many-entries.xlsx": ("上传的文件包含609个内部文件，超过上限500个，已拒绝。",),
    "score-entity-expansion.xlsx": (SCORE_UNOPENABLE,),
    "score-external-entity.xlsx": (SCORE_UNOPENABLE,),
    "score-negative.xlsx": ("第5行（指标1.1）：得分不能为负数。",),
    "score-non-numeric.xlsx": ("第5行（指标1.1）：得分“四分”不是数字。",),
    "score-not-half-step.xlsx": ("第6行（指标1.2）：得分2.3不是0.5的整数倍。",),
    "score-huge-exponent.xlsx": ("第6行（指标1.2）：得分“1e999999999”不是有效的分数。",),
    "score-above-max.xlsx": ("第7行（指标1.3）：得分6超过该指标满分5分。",),
    "score-date-as-score.xlsx": ("第5行（指标1.1）：得分“2024-03-05 00:00:00”不是数字。",),
    "score-duplicate-codes.xlsx": ("第8行：指标1.1与第5行重复。",),
    "score-unknown-code.xlsx": ("第8行：指标编号“9.9”不在本次自评所用的标准中。",),
    "score-long-strings.xlsx": ("第6行（指标1.2）：自评说明有100000字，超过2000字上限。",),
    "score-control-characters.xlsx": (
        "第6行（指标1.2）：自评说明含有不可见字符或控制字符（U+007F），请删除后重新填写。",
    ),
    "score-rtl-zero-width.xlsx": ("第5行：指标编号“1.1\u200b”含有不可见字符（U+200B），请删除后重新填写。",),
    "score-other-organisation.xlsx": (
        "第2行显示该评分表属于“上海市徐汇区生态环境局”2024年度，与当前自评（上海市长宁区生态环境局2024年度）不符。",
    ),
    "score-no-score-sheet.xlsx": ("工作簿中没有名为“评分表”的工作表（现有：Sheet1）。",),
    "score-missing-header-row.xlsx": (
        "第3行表头应为“编号、指标、满分、得分、自评说明”，实际为“（空）、（空）、（空）、（空）、（空）”。",
    ),
    "score-damaged-cell.xlsx": ("“评分表”工作表内容已损坏，第5行附近无法读取",),
    # The sheet claims to end at row 3; row 7 below it is read all the same.
    "score-wrong-dimension.xlsx": ("第7行（指标1.3）：得分7超过该指标满分5分。",),
    "score-illegal-xml-character.xlsx": ("“评分表”工作表内容已损坏，第1行附近无法读取",),
    "score-row-number-overflow.xlsx": ("工作表“评分表”：行号超过 Excel 的上限1048576行，文件已损坏。",),
    # built at test time
    "score-million-rows.xlsx": ("“评分表”工作表有1048576行，超过上限2000行（本系统导出的评分表只有几十行），未导入",),
    "score-zip-bomb-declared.xlsx": (BOMB,),
    "score-zip-bomb-deflate.xlsx": (BOMB,),
}

# 佐证材料 on the scoring page: file → message (the over-size file is made at test time)
EVIDENCE: dict[str, str] = {
    "evidence-text-as.pdf": "文件“evidence-text-as.pdf”的内容与扩展名.pdf不符。",
    "evidence-text-as.jpg": "文件“evidence-text-as.jpg”的内容与扩展名.jpg不符。",
    "evidence-png-as.jpeg": "文件“evidence-png-as.jpeg”的内容与扩展名.jpeg不符。",
    "evidence-pdf-as.png": "文件“evidence-pdf-as.png”的内容与扩展名.png不符。",
    "evidence-text-as.docx": "文件“evidence-text-as.docx”的内容与扩展名.docx不符。",
    "evidence-xls-as.xlsx": "文件“evidence-xls-as.xlsx”的内容与扩展名.xlsx不符。",
    "evidence-program.exe.pdf": "文件“evidence-program.exe.pdf”的内容与扩展名.pdf不符。",
    "evidence-svg-script.png": "文件“evidence-svg-script.png”的内容与扩展名.png不符。",
    "evidence-svg-script.svg": "文件“evidence-svg-script.svg”的类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。",
    "evidence-page.html": "文件“evidence-page.html”的类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。",
    "evidence-no-extension": "文件“evidence-no-extension”的类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。",
    "evidence-empty.pdf": "上传的文件是空文件。",
}

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
# for fields too short for the whole payload (a 40-character 出动编号, a 20-character 签发人)
PAYLOADS = (PAYLOAD, "<script>alert(1)</script>", "<script>alert(1)")


def payload_for(max_length: int | None) -> str:
    return next(p for p in PAYLOADS if max_length is None or len(p) <= max_length)


# --- fixtures and helpers -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # The ledger import runs in the request, as in tests/inspections/ (the real worker has its own tests).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def snapshot() -> dict[str, list]:
    """Every record, score, rule count and evidence row: what a refused upload must leave as it was."""
    return database_snapshot() | {
        model.__name__: sorted(map(repr, model.objects.values_list())) for model in (Score, RuleCount, Evidence, Report)
    }


def save(assessment, user, code: str, value: str, text: str) -> None:
    indicator = Indicator.objects.get(system__standard=assessment.standard, code=code)
    assessment_services.save_score(
        assessment=assessment, indicator=indicator, user=user, value=Decimal(value), justification=text
    )


@pytest.fixture
def world(client, changning, alice, draft_2024):
    """长宁区 holds a ledger and a 2024 self-assessment with two scores; alice (its scorer) is logged in."""
    import_ledger(organization=changning, ledger=read_ledger(workbook(good_ledger()), max_bytes=LEDGER_MAX))
    save(draft_2024, alice, "1.1", "4", "已编制权责清单。")
    save(draft_2024, alice, "1.2", "5", "三项制度均已落实。")
    client.force_login(alice)
    return draft_2024


def corpus_bytes(name: str, tmp_path: Path) -> bytes:
    if name in build.TEST_TIME:
        path = tmp_path / name
        path.write_bytes(build.TEST_TIME[name]())
        return path.read_bytes()
    return (build.FILES / name).read_bytes()


def post_file(client, url: str, field: str, name: str, data: bytes, **extra):
    return client.post(url, {field: SimpleUploadedFile(name, data, content_type=XLSX_MIME), **extra})


def upload_ledger(client, name: str, data: bytes) -> tuple[str, list[str]]:
    """What the pages say about a ledger upload: the messages, and the HTML of every page that showed them."""
    response = post_file(client, reverse("inspections:import"), "workbook", name, data)
    if response.status_code == 302:
        job = LedgerImport.objects.latest("pk")
        assert job.status == LedgerImport.Status.FAILED, (job.status, job.summary)
        status = client.get(reverse("inspections:import-status", args=[job.pk])).json()
        detail = client.get(response["Location"]).content.decode()
        return "\n".join(status["errors"]), [detail]
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    return html.unescape(page), [page]


def upload_scores(client, assessment, name: str, data: bytes) -> tuple[str, list[str]]:
    response = post_file(client, reverse("assessment:import", args=[assessment.pk]), "workbook", name, data)
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert "未导入任何内容" in page or "所提交的是空文件" in page
    return html.unescape(page), [page]


def assert_no_raw_payload(page: str) -> None:
    for payload in PAYLOADS[:2]:
        assert payload not in page
    assert "<img src=x onerror" not in page


# --- the corpus ---------------------------------------------------------------------------------------


def test_the_corpus_is_what_build_py_writes_and_the_table_covers_every_file():
    built = build.corpus()
    on_disk = {p.name for p in build.FILES.iterdir()}
    assert on_disk == set(built), "run: .venv/bin/python -m tests.corpus.build"
    for name, make in built.items():
        assert make() == (build.FILES / name).read_bytes(), f"{name} differs from build.py: rebuild the corpus"
    workbooks = set(CORPUS)
    assert workbooks == {n for n in on_disk if not n.startswith("evidence-")} | set(build.TEST_TIME)
    assert set(EVIDENCE) == {n for n in on_disk if n.startswith("evidence-")}
    assert sum(n.startswith("ledger-") for n in workbooks) >= 30
    assert sum(n.startswith("score-") for n in workbooks) >= 30
    # small on disk: the large ones are built at test time
    assert max((build.FILES / n).stat().st_size for n in on_disk) < 200 * 1024


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_malformed_workbook_is_refused_with_a_clear_message_and_nothing_changes(client, world, tmp_path, name):
    data = corpus_bytes(name, tmp_path)
    before = snapshot()
    if name.startswith("ledger-"):
        text, pages = upload_ledger(client, name, data)
    else:
        text, pages = upload_scores(client, world, name, data)
    for message in CORPUS[name]:
        assert message in text, f"{name}: {message!r} not in {text[:3000]!r}"
    assert snapshot() == before
    assert not LedgerImport.objects.filter(status=LedgerImport.Status.SUCCEEDED).exists()
    for page in pages:
        assert "Traceback" not in page


def test_the_corpus_base_files_import_so_each_refusal_is_the_defect(client, world):
    """The workbooks the corpus starts from are accepted: what is refused is the one defect put in each."""
    response = post_file(client, reverse("inspections:import"), "workbook", "台账.xlsx", build.ledger())
    assert response.status_code == 302
    assert LedgerImport.objects.get().status == LedgerImport.Status.SUCCEEDED
    response = post_file(
        client, reverse("assessment:import", args=[world.pk]), "workbook", "评分表.xlsx", build.score_workbook()
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[:2000]
    assert Score.objects.get(assessment=world, indicator__code="1.3").score == Decimal("3.5")


def test_a_ledger_with_its_columns_in_another_order_is_imported(changning):
    """docs/records.md: the headers must be exactly the template's texts; their order is free."""

    def reversed_columns(sheets):
        for title in sheets:
            sheets[title] = [list(reversed(row)) for row in sheets[title]]

    ledger = read_ledger(build.ledger(reversed_columns), max_bytes=LEDGER_MAX)
    import_ledger(organization=changning, ledger=ledger)
    assert Dispatch.objects.filter(organization=changning).count() == 3
    assert PenaltyCase.objects.get(case_number="长环罚〔2023〕1号").fine_yuan == Decimal("909150.00")


@pytest.mark.parametrize("name", ["ledger-entity-expansion.xlsx", "ledger-external-entity.xlsx"])
def test_defusedxml_refuses_the_entity_payloads(name):
    """openpyxl parses sheets with defusedxml: the payload is refused by it, not by chance."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    with pytest.raises(ValueError) as info:  # openpyxl wraps what stopped it
        load_workbook(io.BytesIO((build.FILES / name).read_bytes()), read_only=True)
    causes, error = [], info.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, defusedxml.EntitiesForbidden) for e in causes), causes


# --- evidence on the scoring page ---------------------------------------------------------------------


def score_form_data(client, assessment, code: str) -> tuple[str, dict]:
    """The URL and fields of one indicator's form, as the scoring page renders them (hidden fields included)."""
    indicator = Indicator.objects.get(system__standard=assessment.standard, code=code)
    url = reverse("assessment:score-edit", args=[assessment.pk, indicator.pk])
    page = client.get(reverse("assessment:score-sheet", args=[assessment.pk])).content.decode()
    return url, form_fields(page, url)


def evidence_files() -> list[str]:
    return sorted(EVIDENCE)


@pytest.mark.parametrize("name", [*evidence_files(), "evidence-oversized.pdf"])
def test_a_mistyped_or_oversized_evidence_file_is_refused_and_nothing_changes(client, world, settings, name):
    if name == "evidence-oversized.pdf":
        data = b"%PDF-1.4\n" + b"0" * settings.EVIDENCE_MAX_BYTES
        expected = f"文件“{name}”大小为{len(data) / 1024 / 1024:.1f} MB，超过上限{settings.EVIDENCE_MAX_BYTES // 1024 // 1024} MB。"
    else:
        data, expected = (build.FILES / name).read_bytes(), EVIDENCE[name]
    url, fields = score_form_data(client, world, "1.1")
    fields = (
        fields
        | {k: "3" for k in fields if k.endswith("-score")}
        | {k: "改过的说明" for k in fields if k.endswith("-justification")}
    )
    evidence_field = next(k for k in fields if k.endswith("-score")).replace("-score", "-evidence")
    before = snapshot()
    response = client.post(url, {**fields, evidence_field: SimpleUploadedFile(name, data)})
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert expected in html.unescape(page), page[:2000]
    assert "指标1.1未保存" in html.unescape(page)
    assert snapshot() == before
    assert not (Path(settings.MEDIA_ROOT) / "evidence").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "evidence").rglob("*.*")
    )


# --- HTML and script in every text field ---------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: action and fields (inputs, checked boxes, textareas, selected options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset") or not a.get("name"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if self._select["name"] and value is not None:
                self._form["fields"].append((self._select["name"], value))
            self._select = None


def form_fields(page: str, action: str | None = None) -> dict:
    """The fields of the page's form posting to ``action`` (or of its only post form) as POST data."""
    parser = _Forms()
    parser.feed(page)
    forms = [f for f in parser.forms if action is None or f["action"].split("?")[0] in (action, "")]
    assert forms, f"no form for {action}"
    data: dict[str, list[str]] = {}
    for name, value in forms[0]["fields"]:
        data.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in data.items()}


def assert_shown_escaped(page: str, *payloads: str) -> None:
    assert_no_raw_payload(page)
    for payload in payloads:
        assert html.escape(payload, quote=False) in page or html.escape(payload) in page, payload


def literal_cells(data: bytes) -> set[str]:
    """Every text cell of a workbook, as openpyxl reads it."""
    wb = load_workbook(io.BytesIO(data))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_script_in_the_score_justification_is_escaped_on_pages_and_literal_in_the_export(client, world):
    url, fields = score_form_data(client, world, "1.3")
    fields |= {k: "3" for k in fields if k.endswith("-score")}
    fields |= {k: PAYLOAD for k in fields if k.endswith("-justification")}
    assert client.post(url, fields).status_code == 302
    assert Score.objects.get(assessment=world, indicator__code="1.3").justification == PAYLOAD
    for name in ("score-sheet", "detail"):
        assert_shown_escaped(client.get(reverse(f"assessment:{name}", args=[world.pk])).content.decode())
    assert_shown_escaped(client.get(reverse("assessment:score-sheet", args=[world.pk])).content.decode(), PAYLOAD)
    export = client.get(reverse("assessment:export", args=[world.pk])).content
    assert PAYLOAD in literal_cells(export)

    # and back in through the 评分表 upload, and refused on the page when a cell is bad
    edited = build.score_with("1.2", text=PAYLOAD)
    response = post_file(client, reverse("assessment:import", args=[world.pk]), "workbook", "评分表.xlsx", edited)
    assert response.status_code == 302
    assert Score.objects.get(assessment=world, indicator__code="1.2").justification == PAYLOAD
    bad = build.score_workbook([["1.1", "x", 5, PAYLOAD, ""]])
    refused = post_file(client, reverse("assessment:import", args=[world.pk]), "workbook", "评分表.xlsx", bad)
    assert refused.status_code == 400
    assert_shown_escaped(refused.content.decode(), PAYLOAD)


def test_script_in_an_evidence_file_name_is_escaped(client, world):
    url, fields = score_form_data(client, world, "1.1")
    evidence_field = next(k for k in fields if k.endswith("-score")).replace("-score", "-evidence")
    name = "<img src=x onerror=alert(1)>.pdf"
    response = client.post(url, {**fields, evidence_field: SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    assert Evidence.objects.get().original_name == name
    assert_shown_escaped(client.get(reverse("assessment:score-sheet", args=[world.pk])).content.decode(), name)


def test_script_in_the_return_reason_is_escaped(client, submitted_2024, lea):
    client.force_login(lea)
    response = client.post(reverse("assessment:return", args=[submitted_2024.pk]), {"reason": PAYLOAD})
    assert response.status_code == 302
    assert_shown_escaped(client.get(reverse("assessment:detail", args=[submitted_2024.pk])).content.decode(), PAYLOAD)


RECORDS = {
    # kind: the form's fields (text fields carry the payload, sized to the field)
    "source": {
        "name": PAYLOAD,
        "credit_code": VALID_CODES[3],
        "address": PAYLOAD,
        "industry": PAYLOAD,
        "category": "general",
    },
    "dispatch": {
        "number": payload_for(40),
        "dispatched_on": "2023-05-06",
        "officer_count": 5,
        "officer_names": PAYLOAD,
        "task_type": "routine",
        "note": PAYLOAD,
    },
    "inspection": {
        "dispatch_number": payload_for(40),
        "inspected_on": "2023-05-06",
        "source_code": VALID_CODES[3],
        "result": "violation",
        "findings": PAYLOAD,
    },
    "case": {
        "case_number": PAYLOAD,
        "source_code": VALID_CODES[3],
        "violation_type": PAYLOAD,
        "filed_on": "2023-05-01",
    },
    "equipment": {
        "asset_number": PAYLOAD,
        "name": PAYLOAD,
        "category": "drone",
        "purchased_on": "2023-03-01",
        "status": "in_use",
    },
    "training": {
        "held_on": "2023-06-15",
        "topic": PAYLOAD,
        "category": "equipment",
        "organiser": PAYLOAD,
        "attendees": 35,
        "hours": "4",
    },
}
MODELS = {
    "source": PollutionSource,
    "dispatch": Dispatch,
    "inspection": Inspection,
    "case": PenaltyCase,
    "equipment": Equipment,
    "training": Training,
}
DETAIL = {"source", "dispatch", "case"}


def test_script_in_every_record_form_is_escaped_on_pages_and_literal_in_the_ledger_export(client, changning, alice):
    client.force_login(alice)
    for kind, values in RECORDS.items():  # in order: the inspection needs the source and the dispatch
        url = reverse(f"inspections:{kind}-create")
        data = form_fields(client.get(url).content.decode(), url) | values
        response = client.post(url, data)
        assert response.status_code == 302, (kind, html.unescape(response.content.decode())[:3000])
    for kind, model in MODELS.items():
        record = model.objects.get(organization=changning)
        pages = [reverse(f"inspections:{kind}-list"), reverse(f"inspections:{kind}-edit", args=[record.pk])]
        if kind in DETAIL:
            pages.append(reverse(f"inspections:{kind}-detail", args=[record.pk]))
        shown = []
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            content = response.content.decode()
            assert_no_raw_payload(content)
            shown.append(html.escape(PAYLOAD, quote=False) in content or html.escape(PAYLOAD) in content)
        assert any(shown), kind  # the payload is on the pages, escaped
    cells = literal_cells(client.get(reverse("inspections:export")).content)
    assert {PAYLOAD, payload_for(40)} <= cells


def test_script_in_a_ledger_upload_is_escaped_in_pages_error_list_and_error_report(client, world, changning):
    def with_script(sheets):
        build.cell(sheets, "执法出动", 2, "备注", PAYLOAD)
        build.cell(sheets, "污染源检查", 2, "问题描述", PAYLOAD)
        build.cell(sheets, "行政处罚", 4, "违法行为类型", PAYLOAD)
        build.cell(sheets, "执法装备", 2, "装备名称", PAYLOAD)
        build.cell(sheets, "培训记录", 2, "培训主题", PAYLOAD)
        build.cell(sheets, "培训记录", 2, "承办单位", PAYLOAD)

    response = post_file(client, reverse("inspections:import"), "workbook", "台账.xlsx", build.ledger(with_script))
    assert response.status_code == 302 and LedgerImport.objects.get().status == LedgerImport.Status.SUCCEEDED
    for kind, model in MODELS.items():
        pages = [reverse(f"inspections:{kind}-list")]
        pages += [reverse(f"inspections:{kind}-edit", args=[pk]) for pk in model.objects.values_list("pk", flat=True)]
        contents = [client.get(page).content.decode() for page in pages]
        for content in contents:
            assert_no_raw_payload(content)
        if kind != "source":
            assert any(html.escape(PAYLOAD, quote=False) in c or html.escape(PAYLOAD) in c for c in contents), kind
    assert PAYLOAD in literal_cells(client.get(reverse("inspections:export")).content)

    # a bad value that carries the payload: the message quotes it, escaped on the page, literal in 错误清单.xlsx
    def bad_choice(sheets):
        build.cell(sheets, "执法出动", 2, "任务类型", PAYLOAD)

    response = post_file(client, reverse("inspections:import"), "workbook", "台账.xlsx", build.ledger(bad_choice))
    job = LedgerImport.objects.latest("pk")
    assert job.status == LedgerImport.Status.FAILED
    shown = PAYLOAD[:30] + "…"
    assert_shown_escaped(client.get(response["Location"]).content.decode(), shown)
    report = client.get(reverse("inspections:import-errors", args=[job.pk])).content
    assert any(shown in cell for cell in literal_cells(report))
    # the file name of a refused upload is shown escaped too
    refused = post_file(client, reverse("inspections:import"), "workbook", PAYLOAD + ".xls", b"x")
    assert refused.status_code == 400
    assert_no_raw_payload(refused.content.decode())


REPORT_TEXT_FIELDS = {
    "issuer_mark": 40,
    "doc_number": 40,
    "signatory": 20,
    "addressee": 100,
    "title": 120,
    "issuer_name": 60,
    "cc": 200,
    "printed_by": 60,
}


def test_script_in_the_report_is_escaped_on_pages_and_plain_text_in_the_pdf(client, world, alice, tmp_path):
    report = report_services.create_report(assessment=world, user=alice)
    url = reverse("assessment:report-edit", args=[report.pk])
    data = form_fields(client.get(url).content.decode(), "")
    data |= {name: payload_for(length) for name, length in REPORT_TEXT_FIELDS.items()}
    data |= {"sections-0-heading": payload_for(100), "sections-0-body": PAYLOAD, "sections-0-level": "1"}
    response = client.post(url, data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    report.refresh_from_db()
    assert (report.title, report.signatory) == (PAYLOAD, payload_for(20))
    for page in (reverse("assessment:report-detail", args=[report.pk]), url):
        assert_shown_escaped(client.get(page).content.decode(), PAYLOAD)

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(bytes(build_report_pdf(report)))
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, check=True, timeout=60).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", PAYLOAD) in flat  # the title and the body, as the characters typed
    assert "&lt;" not in text  # not escaped twice


def test_script_typed_as_a_user_name_on_the_login_page_is_escaped(client, db):
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": PAYLOAD, "password": "wrong"})
    assert_no_raw_payload(response.content.decode())


# --- found by this corpus outside the readers, fixed there since (regression tests) ----------------------


def test_a_control_character_typed_into_a_record_form_is_refused(client, changning, alice):
    """Stored, U+0007 made the ledger export fail (openpyxl IllegalCharacterError); the forms now refuse it."""
    client.force_login(alice)
    url = reverse("inspections:dispatch-create")
    data = form_fields(client.get(url).content.decode(), url) | RECORDS["dispatch"]
    response = client.post(url, data | {"number": "CD-BEL", "note": "铃\x07声"})
    assert response.status_code == 400 and not Dispatch.objects.exists()


def test_a_control_character_in_a_justification_is_refused_or_exported(client, world):
    """Stored, U+0007 made the 评分表 export fail with a server error; the scoring page now refuses it."""
    url, fields = score_form_data(client, world, "1.3")
    fields |= {k: "3" for k in fields if k.endswith("-score")}
    fields |= {k: "已落实\x07" for k in fields if k.endswith("-justification")}
    response = client.post(url, fields)
    if response.status_code == 302:
        assert client.get(reverse("assessment:export", args=[world.pk])).status_code == 200
    else:
        assert response.status_code == 400


def test_a_score_with_a_huge_exponent_is_refused_on_the_scoring_page(client, world):
    """parse_score raised decimal.Overflow for 1e999999999 (a server error on the page); it now says why."""
    url, fields = score_form_data(client, world, "1.3")
    fields |= {k: "1e999999999" for k in fields if k.endswith("-score")}
    response = client.post(url, fields)
    assert response.status_code == 400


def test_dates_parse_in_both_ways_in_the_same_file(changning):
    """A sanity check of the corpus' base ledger: text and Excel dates side by side are both accepted."""
    ledger = read_ledger(build.ledger(), max_bytes=LEDGER_MAX)
    assert {d.dispatched_on for d in ledger.dispatches} == {date(2023, 1, 1), date(2023, 8, 31), date(2023, 9, 1)}


def test_zip_bombs_are_small_on_disk_and_large_when_unpacked(tmp_path):
    for name in ("ledger-zip-bomb-declared.xlsx", "ledger-zip-bomb-deflate.xlsx"):
        data = corpus_bytes(name, tmp_path)
        declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        assert len(data) < 512 * 1024 and declared > 200 * 1024 * 1024, (name, len(data), declared)
    assert len(corpus_bytes("ledger-zip-bomb-declared.xlsx", tmp_path)) < 16 * 1024
