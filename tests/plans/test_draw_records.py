"""The draw record as PDF (read back with pdftotext), xlsx and JSON; ``draw`` and ``verify_draw`` commands."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from plans import record, services
from plans.models import Draw
from tests.plans import helpers


@pytest.fixture
def draw(changning, make, alice):
    return services.run_draw(user=alice, plan=helpers.ready(changning, make))


def download(client, user, name, draw) -> bytes:
    client.force_login(user)
    response = client.get(reverse(f"plans:{name}", args=[draw.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_the_pdf_record_shows_seed_hashes_sources_and_teams(client, alice, draw, tmp_path):
    data = download(client, alice, "draw-pdf", draw)
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    assert "双随机抽查记录" in flat
    assert draw.inputs_sha256 in flat and draw.result_sha256 in flat
    assert "3356.88" in flat and draw.ran_by_name in flat
    task = draw.tasks.select_related("source").first()
    assert task.source.name in flat and task.source.credit_code in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    # only the product's own fonts (named GW-* in its @font-face rules), each embedded
    assert rows and all(row[0].split("+")[-1].startswith("GW-") and row[-5] == "yes" for row in rows)


@pytest.mark.parametrize("name", ["draw-xlsx", "draw-json"])
def test_the_downloaded_record_verifies(client, alice, draw, tmp_path, name):
    data = download(client, alice, name, draw)
    path = tmp_path / ("record.xlsx" if name == "draw-xlsx" else "record.json")
    path.write_bytes(data)
    out = io.StringIO()
    call_command("verify_draw", str(path), stdout=out)
    assert "核验通过" in out.getvalue() and draw.result_sha256 in out.getvalue()


def _tamper_xlsx(data: bytes, sheet: str, row: int, column: int, value: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[sheet].cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_tampered_xlsx_result_fails_with_the_first_difference(client, alice, draw, tmp_path):
    data = download(client, alice, "draw-xlsx", draw)
    other = draw.inputs["sources"]["general"][-1]
    first = draw.result["tasks"][0]["source"]
    replacement = other if other != first else draw.inputs["sources"]["general"][0]
    path = tmp_path / "tampered.xlsx"
    path.write_bytes(_tamper_xlsx(data, record.RESULT_SHEET, 2, 3, replacement))
    with pytest.raises(
        CommandError, match=f"核验不通过：第1项任务的检查对象不同：记录为{replacement}，重算为{first}"
    ) as exc:
        call_command("verify_draw", str(path))
    assert exc.value.returncode == 1


def test_a_tampered_candidate_list_fails_on_its_hash(client, alice, draw, tmp_path):
    loaded = json.loads(download(client, alice, "draw-json", draw))
    loaded["inputs"]["sources"]["key"] = loaded["inputs"]["sources"]["key"][1:]
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(loaded, ensure_ascii=False))
    with pytest.raises(CommandError, match="输入的SHA-256不符"):
        call_command("verify_draw", str(path))


def test_verify_draw_exits_1_through_manage_py(client, alice, draw, tmp_path):
    """The real process and its exit status, as a verifier outside the system would run it."""
    loaded = json.loads(download(client, alice, "draw-json", draw))
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(loaded, ensure_ascii=False))
    loaded["result"]["tasks"][1]["officers"] = ["XX0001", "XX0002"]
    bad.write_text(json.dumps(loaded, ensure_ascii=False))
    env = {"DJANGO_SETTINGS_MODULE": "changning_enforce.settings", "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    import sys

    ok = subprocess.run(
        [sys.executable, "manage.py", "verify_draw", str(good)], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run(
        [sys.executable, "manage.py", "verify_draw", str(bad)], capture_output=True, text=True, env=env
    )
    assert failed.returncode == 1
    assert "第2项任务的执法人员不同：记录为XX0001、XX0002" in failed.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not json", "不是有效的 JSON"), (b"[1, 2]", "不是有效的 JSON 对象"), (b'{"format": "x"}', "记录格式不是")],
)
def test_unreadable_records_are_refused_in_chinese(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("verify_draw", str(path))


def test_the_draw_command_publishes_the_seed_runs_and_writes_the_record(changning, make, tmp_path):
    plan = helpers.ready(changning, make, seed="")
    out_file = tmp_path / "record.xlsx"
    out = io.StringIO()
    call_command("draw", "--plan", str(plan.pk), "--seed", "3012.45", "--out", str(out_file), stdout=out)
    draw = Draw.objects.get()
    assert draw.seed.endswith("/3012.45") and draw.ran_by is None and draw.ran_by_name == "命令行 manage.py draw"
    assert draw.result_sha256 in out.getvalue()
    assert record.verify(record.from_xlsx(out_file.read_bytes())) is None
    assert (
        AuditEvent.objects.filter(note="公布随机种子").exists()
        and AuditEvent.objects.filter(object_type="plans.draw").exists()
    )
    with pytest.raises(CommandError, match="已经抽查过"):
        call_command("draw", "--plan", str(plan.pk), "--seed", "3012.45")
    with pytest.raises(CommandError, match="种子公布后不能修改"):
        call_command("draw", "--plan", str(plan.pk), "--seed", "9999")
    call_command(
        "draw", "--plan", str(plan.pk), "--seed", "3012.45", "--redraw-reason", "名录更新", stdout=io.StringIO()
    )
    assert Draw.objects.count() == 2
    with pytest.raises(CommandError, match="没有编号为999999的月度计划"):
        call_command("draw", "--plan", "999999", "--seed", "x")
