"""Setting supervision categories from a workbook: all rows or none, every problem by row and column."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from inspections.models import PollutionSource
from plans import categories
from plans.models import SourceSupervision


def workbook(rows, header=categories.HEADERS, title=categories.SHEET) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, user, data: bytes):
    client.force_login(user)
    return client.post(reverse("plans:categories-import"), {"file": SimpleUploadedFile("类别.xlsx", data)})


def test_the_template_has_the_headers(client, alice):
    client.force_login(alice)
    data = client.get(reverse("plans:categories-template")).content
    assert [c.value for c in load_workbook(io.BytesIO(data))[categories.SHEET][1]] == categories.HEADERS


def test_a_good_workbook_sets_categories_reasons_and_positive_list(client, alice, make):
    a, b = make.source("甲厂"), make.source("乙厂")
    response = upload(
        client,
        alice,
        workbook(
            [
                [a.credit_code, "甲厂", "特殊", "挂牌督办", None, None],
                [b.credit_code, "乙厂", "一般监管对象", None, date(2026, 1, 1), "2026-12-31"],
            ]
        ),
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.category, a.supervision.special_reason) == ("special", "supervised")
    assert (b.category, b.supervision.positive_from, b.supervision.positive_to) == (
        "general",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert AuditEvent.objects.filter(action="import", note__contains="2家").exists()
    page = client.get(reverse("plans:sources")).content.decode()
    assert "挂牌督办" in page and "2026-01-01至2026-12-31" in page


def test_one_bad_row_refuses_the_whole_workbook_and_names_row_and_column(client, alice, make):
    a, b = make.source("甲厂"), make.source("乙厂")
    response = upload(
        client,
        alice,
        workbook(
            [
                [a.credit_code, "甲厂", "重点", None, None, None],
                [b.credit_code, "乙厂", "特殊", None, None, None],
                ["91310105000000000X", "丙厂", "很重要", None, None, None],
                [a.credit_code, "甲厂", "一般", "挂牌督办", "2026-02-30", None],
                [b.credit_code, "乙厂", "一般", None, "2026-05-01", "2026-04-01"],
            ]
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    for expected in (
        "第3行“特殊监管原因”：特殊监管对象须填写原因",
        "第4行“统一社会信用代码”：本单位没有信用代码为91310105000000000X的污染源",
        "第4行“监管类别”：“很重要”不是监管类别",
        "第5行“统一社会信用代码”：与第2行重复",
        "第5行“特殊监管原因”：只有特殊监管对象填写原因",
        "第5行“正面清单起始日”：“2026-02-30”不是有效日期",
        "第6行“正面清单截止日”：截止日不能早于起始日",
    ):
        assert expected in page, expected
    assert set(PollutionSource.objects.values_list("category", flat=True)) == {"general"}
    assert not SourceSupervision.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_wrong_files_are_refused_in_chinese(client, alice):
    assert "不是 Excel 工作簿" in upload(client, alice, b"plain text").content.decode()
    assert "没有名为“监管类别”的工作表" in upload(client, alice, workbook([], title="Sheet")).content.decode()
    assert "第1行：表头应为" in upload(client, alice, workbook([], header=["代码"])).content.decode()
    assert "没有数据行" in upload(client, alice, workbook([])).content.decode()


def test_leaders_and_the_city_cannot_set_categories(client, lea, rita):
    for user in (lea, rita):
        client.force_login(user)
        assert client.get(reverse("plans:categories-import")).status_code == 403


def test_it_checks_ownership(client, bob, make, make_xuhui):
    """bob (徐汇区) names a 长宁区 source: it does not exist for him, and nothing changes."""
    a = make.source("甲厂")
    response = upload(client, bob, workbook([[a.credit_code, "甲厂", "重点", None, None, None]]))
    assert f"本单位没有信用代码为{a.credit_code}的污染源" in response.content.decode()
    a.refresh_from_db()
    assert a.category == "general"
    client.force_login(bob)
    assert "甲厂" not in client.get(reverse("plans:sources")).content.decode()
    assert client.get(reverse("plans:sources"), {"org": "changning"}).status_code == 404
