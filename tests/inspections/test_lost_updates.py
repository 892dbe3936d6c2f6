"""No lost updates on the record pages: an edit saved against a stale version is refused with the current values;
the ledger import bumps the version of every record it changes."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from inspections import services
from inspections.models import Equipment
from inspections.views.common import KINDS
from tests.conftest import make_user
from tests.inspections.records_helpers import VALID_CODES, good_ledger, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind: (how to make one, the text field two people change)
CHANGED_FIELD = {
    "dispatch": "note",
    "inspection": "findings",
    "case": "violation_type",
    "source": "address",
    "equipment": "name",
    "training": "organiser",
}


def _record(kind: str, make):
    day = date(2023, 3, 5)
    return {
        "dispatch": lambda: make.dispatch(day),
        "inspection": lambda: make.inspection(day, source=make.source(credit_code=VALID_CODES[0])),
        "case": lambda: make.case(day, source=make.source(credit_code=VALID_CODES[1])),
        "source": lambda: make.source(credit_code=VALID_CODES[2]),
        "equipment": lambda: make.equipment(day),
        "training": lambda: make.training(day),
    }[kind]()


def _edit_url(kind: str, record) -> str:
    return reverse(f"inspections:{kind}-edit", args=[record.pk])


def _loaded(client, kind: str, record) -> dict:
    """The edit page's form as the browser would post it back."""
    response = client.get(_edit_url(kind, record))
    assert response.status_code == 200
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[field.html_name] = value
    return data


@pytest.fixture
def carol(changning):
    user = make_user("carol", changning, "填报人")
    user.last_name, user.first_name = "李", "同事"
    user.save()
    return user


@pytest.mark.parametrize("kind", CHANGED_FIELD)
def test_a_stale_edit_is_refused_with_the_current_values_and_a_fresh_one_goes_through(client, alice, carol, make, kind):
    record = _record(kind, make)
    field = CHANGED_FIELD[kind]
    model = type(record)
    client.force_login(alice)
    alices = _loaded(client, kind, record)  # alice opens the edit page (version 1) …
    assert alices["version"] == 1
    client.force_login(carol)
    carols = _loaded(client, kind, record)
    assert client.post(_edit_url(kind, record), carols | {field: "李同事的修改"}).status_code == 302  # … carol saves

    client.force_login(alice)
    response = client.post(_edit_url(kind, record), alices | {field: "alice的修改"})

    assert response.status_code == 409
    page = response.content.decode()
    assert f"该{model._meta.verbose_name}记录" in page and "已被李同事（carol）于" in page
    assert "您的修改未保存" in page and "当前保存的内容" in page
    assert '<dd class="col-sm-9" data-current>李同事的修改</dd>' in page  # the current values …
    assert 'value="alice的修改"' in page or "alice的修改</textarea>" in page  # … and alice's input, kept
    stored = model.objects.get(pk=record.pk)
    assert (getattr(stored, field), stored.version) == ("李同事的修改", 2)

    # the refused page carries the version alice has now seen: saving it again is her deliberate choice
    assert response.context["form"]["version"].value() in (2, "2")
    assert client.post(_edit_url(kind, record), alices | {field: "alice的修改", "version": 2}).status_code == 302
    stored.refresh_from_db()
    assert (getattr(stored, field), stored.version) == ("alice的修改", 3)


def test_an_edit_without_a_version_is_refused(client, alice, make):
    equipment = make.equipment(date(2023, 3, 5), name="无人机")
    client.force_login(alice)
    data = _loaded(client, "equipment", equipment)
    del data["version"]
    assert client.post(_edit_url("equipment", equipment), data | {"name": "改过"}).status_code == 409
    assert Equipment.objects.get().name == "无人机"


def test_the_service_checks_the_version_in_the_database_not_in_memory(alice, make):
    """The form and its instance both say version 1; the row says 2 (saved meanwhile): refused."""
    equipment = make.equipment(date(2023, 3, 5), name="无人机")
    form = KINDS["equipment"].form(
        {
            "asset_number": equipment.asset_number,
            "name": "改过",
            "category": equipment.category,
            "purchased_on": "2023-03-05",
            "status": equipment.status,
            "version": "1",
        },
        instance=equipment,
        organization=equipment.organization,
    )
    assert form.is_valid(), form.errors
    Equipment.objects.filter(pk=equipment.pk).update(name="别人改的", version=2)
    assert equipment.version == 1
    with pytest.raises(services.StaleRecord):
        services.save_record(user=alice, form=form)
    assert Equipment.objects.filter(pk=equipment.pk).values_list("name", "version").get() == ("别人改的", 2)


def test_a_ledger_import_makes_open_edit_pages_stale_and_says_so(client, alice, changning):
    client.force_login(alice)
    ledger = good_ledger()
    client.post(reverse("inspections:import"), {"workbook": SimpleUploadedFile("台账.xlsx", workbook(ledger), XLSX)})
    equipment = Equipment.objects.get(asset_number="ZC-001")
    assert equipment.version == 1
    opened = _loaded(client, "equipment", equipment)

    ledger["执法装备"][1][1] = "环保无人机（新）"
    client.post(reverse("inspections:import"), {"workbook": SimpleUploadedFile("台账.xlsx", workbook(ledger), XLSX)})
    equipment.refresh_from_db()
    assert (equipment.name, equipment.version) == ("环保无人机（新）", 2)
    assert Equipment.objects.get(asset_number="ZC-002").version == 1  # unchanged rows keep their version

    response = client.post(_edit_url("equipment", equipment), opened | {"status": "repair"})
    assert response.status_code == 409
    assert "通过台账导入修改" in response.content.decode()
    assert Equipment.objects.get(pk=equipment.pk).status == "in_use"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks and serialises writers on the file; the race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_loaded_page_at_once_one_wins(alice, carol, changning):
    equipment = Equipment.objects.create(
        organization=changning, asset_number="ZC-9", name="无人机", category="drone", purchased_on=date(2023, 3, 5)
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(user, name) -> None:
        try:
            record = Equipment.objects.get(pk=equipment.pk)
            form = KINDS["equipment"].form(
                {
                    "asset_number": "ZC-9",
                    "name": name,
                    "category": "drone",
                    "purchased_on": "2023-03-05",
                    "status": "in_use",
                    "version": "1",
                },
                instance=record,
                organization=changning,
            )
            assert form.is_valid(), form.errors
            barrier.wait(timeout=10)
            outcomes[user.username] = services.save_record(user=user, form=form)
        except Exception as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in ((alice, "甲"), (carol, "乙"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [o for o in outcomes.values() if isinstance(o, Equipment)]
    refused = [o for o in outcomes.values() if isinstance(o, services.StaleRecord)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    stored = Equipment.objects.get(pk=equipment.pk)
    assert (stored.name, stored.version) == (saved[0].name, 2)
