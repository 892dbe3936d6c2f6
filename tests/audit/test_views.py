"""The audit page (/audit/): who may read which events, the filters, paging, and the .xlsx / CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from tests.audit.conftest import add_event
from tests.conftest import make_user

Action = AuditEvent.Action
LIST = reverse("audit:list")


@pytest.fixture
def trail(changning, xuhui, alice, bob):
    """Events of both districts and of no district (the standard, an unknown username)."""
    return {
        "changning": add_event(
            actor=alice,
            actor_name="alice",
            organization=changning,
            object_type="assessment.score",
            object_id="7",
            object_repr="1.1：4.5",
            changes={"score": ["4", "4.5"]},
            ip_address="10.0.0.1",
            note="长宁区的修改",
        ),
        "xuhui": add_event(actor=bob, actor_name="bob", organization=xuhui, note="徐汇区的修改"),
        "standard": add_event(object_type="assessment.standard", action=Action.PUBLISH, note="标准的发布"),
        "old": add_event(days_ago=40, organization=changning, action=Action.LOGIN, actor_name="alice", note="旧登录"),
    }


def _page(client, user, query: dict | None = None):
    client.force_login(user)
    response = client.get(LIST, query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_it_checks_ownership(client, trail, lea, bella, rita, adam):
    # a district's leader: their own organisation only
    page = _page(client, lea)
    assert "长宁区的修改" in page and "旧登录" in page
    assert "徐汇区的修改" not in page and "标准的发布" not in page
    assert 'name="organization"' not in page
    page = _page(client, bella)
    assert "徐汇区的修改" in page and "长宁区的修改" not in page
    # the admin and the municipal reviewer: every organisation, and events of none
    for user in (adam, rita):
        page = _page(client, user)
        assert all(note in page for note in ("长宁区的修改", "徐汇区的修改", "标准的发布"))
        assert 'name="organization"' in page


def test_users_without_the_permission_are_refused(client, trail, alice):
    assert client.get(LIST).status_code == 302  # anonymous: to the login page
    client.force_login(alice)  # a scorer
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:export-xlsx")).status_code == 403
    assert client.get(reverse("audit:export-csv")).status_code == 403
    assert 'href="/audit/"' not in client.get(reverse("assessment:list")).content.decode()


def test_the_nav_offers_the_page_to_those_who_may_read_it(client, lea):
    client.force_login(lea)
    assert 'href="/audit/"' in client.get(reverse("assessment:list")).content.decode()


def test_the_page_shows_who_when_where_and_the_old_and_new_values(client, trail, lea):
    page = _page(client, lea)
    assert "10.0.0.1" in page and "alice" in page
    assert "得分：</span><del>4</del> → <ins>4.5</ins>" in page
    assert "指标得分" in page and "1.1：4.5" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"action": "login"}, ["旧登录"], ["长宁区的修改"]),
        ({"actor": "ali"}, ["长宁区的修改", "旧登录"], ["徐汇区的修改", "标准的发布"]),
        ({"object_type": "assessment.standard"}, ["标准的发布"], ["长宁区的修改", "旧登录"]),
        ({"start": "DAYS_AGO_41", "end": "DAYS_AGO_39"}, ["旧登录"], ["长宁区的修改", "徐汇区的修改"]),
        ({"start": "DAYS_AGO_1"}, ["长宁区的修改", "徐汇区的修改"], ["旧登录"]),
    ],
)
def test_filters(client, trail, adam, query, shown, hidden):
    today = timezone.localdate()
    query = {
        key: (today - timedelta(days=int(value.rsplit("_", 1)[1]))).isoformat()
        if value.startswith("DAYS_AGO")
        else value
        for key, value in query.items()
    }
    page = _page(client, adam, query)
    assert all(note in page for note in shown), shown
    assert not any(note in page for note in hidden), hidden


def test_filter_by_organisation(client, trail, adam, xuhui):
    page = _page(client, adam, {"organization": xuhui.pk})
    assert "徐汇区的修改" in page and "长宁区的修改" not in page and "标准的发布" not in page


def test_a_district_leader_cannot_filter_their_way_into_another_district(client, trail, lea, xuhui):
    page = _page(client, lea, {"organization": xuhui.pk})
    assert "徐汇区的修改" not in page and "长宁区的修改" in page


def test_bad_filters_are_explained_and_filter_nothing(client, trail, adam):
    page = _page(client, adam, {"start": "2024-13-40", "end": "x"})
    assert "请输入有效日期，如 2024-03-05。" in page
    page = _page(client, adam, {"start": "2024-03-05", "end": "2024-03-01"})
    assert "截止日期不能早于起始日期。" in page


def test_pages_of_50_with_a_fixed_number_of_queries(client, changning, lea, django_assert_max_num_queries):
    for n in range(120):
        add_event(organization=changning, note=f"事件{n:03d}")
    client.force_login(lea)
    client.get(LIST)  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        first = client.get(LIST).content.decode()
    assert "事件119" in first and "事件069" not in first and "第1页，共3页" in first
    last = client.get(LIST, {"page": 3}).content.decode()
    assert "事件000" in last and "事件119" not in last


def test_xlsx_export_follows_the_filters_writes_formulas_as_text_and_is_itself_audited(client, trail, lea, changning):
    add_event(organization=changning, object_repr='=HYPERLINK("http://x")', note="+恶意", actor_name="@bob")
    client.force_login(lea)
    response = client.get(reverse("audit:export-xlsx"), {"actor": "@bob"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    sheet = load_workbook(io.BytesIO(response.content))["审计记录"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作", "操作人", "机构")
    assert len(rows) == 2
    for cell in sheet[2]:
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
            assert cell.data_type == "s", cell.coordinate
    assert rows[1][7] == '=HYPERLINK("http://x")' and rows[1][9] == "+恶意"
    exported = AuditEvent.objects.get(action=Action.EXPORT)
    assert exported.actor == lea and "导出1条审计记录（XLSX）" in exported.note and "操作人=@bob" in exported.note


def test_csv_export(client, trail, adam, changning):
    add_event(organization=changning, note="=1+1", actor_name="-x")
    client.force_login(adam)
    stored = AuditEvent.objects.count()  # the trail, adam's login included
    response = client.get(reverse("audit:export-csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "时间" and len(rows) == 1 + stored
    assert ["'-x", "'=1+1"] in [[r[2], r[9]] for r in rows]
    changes = next(r for r in rows if r[9] == "长宁区的修改")[8]
    assert changes == "得分：4 → 4.5"


def test_a_leader_exports_only_their_organisation(client, trail, lea):
    client.force_login(lea)
    rows = list(csv.reader(io.StringIO(client.get(reverse("audit:export-csv")).content.decode("utf-8-sig"))))
    assert {r[3] for r in rows[1:]} == {"上海市长宁区生态环境局"}
    assert {"长宁区的修改", "旧登录"} <= {r[9] for r in rows[1:]}


def test_an_export_that_is_too_large_is_refused_with_a_message(client, trail, adam, monkeypatch):
    import audit.views

    monkeypatch.setattr(audit.views, "EXPORT_MAX_ROWS", 2)
    client.force_login(adam)
    response = client.get(reverse("audit:export-xlsx"), follow=True)
    assert "超过单次导出上限2条" in response.content.decode()


def test_a_user_without_an_organisation_sees_nothing(client, trail, db):
    from accounts import roles

    orphan = make_user("orphan", None, roles.LEADER)
    page = _page(client, orphan)
    assert "没有符合条件的审计记录" in page
