"""Another district's records do not exist for a user: 404 on every URL, absent from lists, statistics
and exports. The city reviewer reads every district but changes none."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Dispatch, LedgerImport
from tests.inspections.records_helpers import VALID_CODES

DAY = date(2023, 5, 6)


@pytest.fixture
def changning_records(make, alice):
    source = make.source("长宁独有单位", credit_code=VALID_CODES[0])
    dispatch = make.dispatch(DAY, number="CN-ONLY-1")
    records = {
        "source": source,
        "dispatch": dispatch,
        "inspection": make.inspection(DAY, dispatch=dispatch, source=source, findings="长宁独有问题"),
        "case": make.case(DAY, DAY, "fined", "909150", source=source, case_number="长宁独有案号"),
        "equipment": make.equipment(DAY, asset_number="CN-ONLY-ZC"),
        "training": make.training(DAY, topic="长宁独有培训"),
    }
    job = LedgerImport.objects.create(
        organization=make.org, created_by=alice, original_name="长宁.xlsx", status=LedgerImport.Status.FAILED,
        errors=[{"sheet": "执法出动", "row": 2, "column": "出动日期", "reason": "坏", "cell": "B2"}], error_count=1,
    )  # fmt: skip
    return records, job


def record_urls(records, job):
    urls = []
    for kind, record in records.items():
        for action in ("edit", "delete"):
            urls.append(reverse(f"inspections:{kind}-{action}", args=[record.pk]))
        if kind in ("source", "dispatch", "case"):
            urls.append(reverse(f"inspections:{kind}-detail", args=[record.pk]))
    urls += [
        reverse("inspections:import-detail", args=[job.pk]),
        reverse("inspections:import-status", args=[job.pk]),
        reverse("inspections:import-errors", args=[job.pk]),
    ]
    return urls


@pytest.mark.parametrize("username", ["bob", "bella"])
def test_another_districts_user_gets_404_on_every_record_url(request, client, changning_records, username):
    client.force_login(request.getfixturevalue(username))
    records, job = changning_records
    for url in record_urls(records, job):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    assert Dispatch.objects.filter(pk=records["dispatch"].pk).exists()


def test_another_districts_records_never_appear_in_lists_statistics_or_exports(client, bob, changning_records):
    client.force_login(bob)
    secrets = ["长宁独有", "CN-ONLY", "909150"]
    for name in ("dispatch", "inspection", "case", "source", "equipment", "training"):
        page = client.get(reverse(f"inspections:{name}-list")).content.decode()
        assert not any(s in page for s in secrets), name
        assert client.get(reverse(f"inspections:{name}-list"), {"org": "changning"}).status_code == 404
    stats = client.get(reverse("inspections:statistics"), {"start": "2023-01-01", "end": "2023-12-31"})
    assert '<div class="fs-3 fw-bold" id="stat-dispatches">0</div>' in stats.content.decode()
    assert client.get(reverse("inspections:statistics"), {"org": "changning"}).status_code == 404
    export = client.get(reverse("inspections:export"))
    wb = load_workbook(io.BytesIO(export.content))
    values = [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not any(s in v for v in values for s in secrets)
    assert client.get(reverse("inspections:export"), {"org": "changning"}).status_code == 404
    imports = client.get(reverse("inspections:import")).content.decode()
    assert "长宁.xlsx" not in imports


def test_another_districts_dispatches_and_sources_cannot_be_referenced(client, bob, changning_records):
    client.force_login(bob)
    response = client.post(
        reverse("inspections:inspection-create"),
        {
            "dispatch_number": "CN-ONLY-1",
            "inspected_on": "2023-05-06",
            "source_code": VALID_CODES[0],
            "result": "clear",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "本单位没有出动编号为“CN-ONLY-1”的执法出动" in page
    assert "本单位没有统一社会信用代码为“9144030071526726XG”的污染源" in page


def test_the_city_reviewer_reads_every_district_and_changes_none(client, rita, changning_records, xuhui):
    client.force_login(rita)
    records, job = changning_records
    page = client.get(reverse("inspections:dispatch-list"), {"org": "changning"}).content.decode()
    assert "CN-ONLY-1" in page and '<option value="xuhui"' in page
    assert "CN-ONLY-1" not in client.get(reverse("inspections:dispatch-list"), {"org": "xuhui"}).content.decode()
    assert client.get(reverse("inspections:case-detail", args=[records["case"].pk])).status_code == 200
    assert client.get(reverse("inspections:import-detail", args=[job.pk])).status_code == 200
    stats = client.get(
        reverse("inspections:statistics"), {"org": "changning", "start": "2023-01-01", "end": "2023-12-31"}
    )
    assert "90.915" in stats.content.decode()
    export = client.get(reverse("inspections:export"), {"org": "changning"})
    assert export.status_code == 200
    for url in [reverse(f"inspections:{k}-edit", args=[r.pk]) for k, r in records.items()]:
        assert client.get(url).status_code == 404
    assert client.get(reverse("inspections:dispatch-create")).status_code == 403
    assert client.get(reverse("inspections:import")).status_code == 403


def test_a_user_without_a_role_is_refused(client, changning, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x-Test-2024", organization=changning)
    client.force_login(nobody)
    assert client.get(reverse("inspections:dispatch-list")).status_code == 403
    assert client.get(reverse("inspections:statistics")).status_code == 403
    assert client.get(reverse("inspections:export")).status_code == 403
