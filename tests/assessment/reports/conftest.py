"""Fixtures for the annual report: the demo data (seed_demo) and a demo PKI, plus poppler helpers.

seed_demo reuses the organisations of tests/conftest.py (get_or_create by code), so alice, lea, bob, bella and
rita belong to the same 长宁区 / 徐汇区 / 上海市 as the demo accounts.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from accounts.models import Organization, User
from assessment.models import Report, SelfAssessment
from assessment.reports.pki import DemoCA, make_ca, make_signing_p12
from assessment.reports.seal import demo_seal_png
from assessment.reports.services import configure_credential

PASSPHRASE = "pw"
MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"
PAGE_NUMBER_LINE = re.compile(r"^[ \t]*—\s*\d+\s*—[ \t]*$", re.MULTILINE)


@pytest.fixture(scope="session")
def demo_ca() -> DemoCA:
    """One CA for the whole run: RSA key generation is the slow part."""
    return make_ca()


@pytest.fixture(scope="session")
def signing_p12(demo_ca) -> bytes:
    return make_signing_p12(demo_ca, common_name="上海市长宁区生态环境局", passphrase=PASSPHRASE)


@pytest.fixture(scope="session")
def xuhui_p12(demo_ca) -> bytes:
    return make_signing_p12(demo_ca, common_name="上海市徐汇区生态环境局", passphrase=PASSPHRASE)


@pytest.fixture(scope="session")
def pki_dir(demo_ca, tmp_path_factory) -> Path:
    """The session CA laid out as create_demo_pki keeps it (DEMO_PKI_DIR), so seed_demo reuses it."""
    directory = tmp_path_factory.mktemp("pki")
    (directory / "demo-ca.pem").write_bytes(demo_ca.pem)
    (directory / "demo-ca.key").write_bytes(
        demo_ca.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return directory


@pytest.fixture(scope="session")
def ca_pem_file(pki_dir) -> Path:
    return pki_dir / "demo-ca.pem"


@dataclass
class Demo:
    changning: Organization
    xuhui: Organization
    report: Report
    approved_2023: SelfAssessment
    draft_2024: SelfAssessment
    scorer: User
    leader: User
    xuhui_leader: User
    reviewer: User


@pytest.fixture
def demo(changning, xuhui, brigade, settings, pki_dir, ca_pem_file, signing_p12, xuhui_p12) -> Demo:
    """The demo data with 长宁区's 2023 report ready to sign, and the districts' signing certificates configured.

    The credentials (issued by the session CA, which REPORT_TRUST_ROOTS trusts) are configured before seed_demo,
    so its create_demo_pki step has nothing to generate; the result is the same either way.
    """
    settings.DEMO_PKI_DIR = pki_dir
    settings.REPORT_TRUST_ROOTS = [str(ca_pem_file)]
    seal = demo_seal_png()
    configure_credential(organization=changning, pkcs12_data=signing_p12, passphrase=PASSPHRASE, seal_image=seal)
    configure_credential(organization=xuhui, pkcs12_data=xuhui_p12, passphrase=PASSPHRASE, seal_image=seal)
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    return Demo(
        changning=changning,
        xuhui=xuhui,
        report=Report.objects.get(organization=changning, year=2023),
        approved_2023=SelfAssessment.objects.get(organization=changning, year=2023),
        draft_2024=SelfAssessment.objects.get(organization=changning, year=2024),
        scorer=users["changning_scorer"],
        leader=users["changning_leader"],
        xuhui_leader=users["xuhui_leader"],
        reviewer=users["city_reviewer"],
    )


@pytest.fixture
def immediate_tasks(settings):
    """Jobs run in-process right after the commit (capture them with django_capture_on_commit_callbacks)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- poppler helpers ------------------------------------------------------------------------------------


def run(*args: str | Path, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], input=input, capture_output=True, check=check, timeout=60)


def pdf_file(tmp_path: Path, data: bytes, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def pdf_text(path: Path, *options: str) -> str:
    """pdftotext output (options: "-f", "2", "-raw", …) with the page numbers ("— n —") and all whitespace
    removed, for matching sentences across line and page breaks."""
    raw = run("pdftotext", *options, path, "-").stdout.decode()
    return re.sub(r"\s+", "", PAGE_NUMBER_LINE.sub("", raw))


def page_count(path: Path) -> int:
    info = run("pdfinfo", path).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def layout_lines(path, first: int, last: int) -> list[str]:
    raw = run("pdftotext", "-layout", "-f", first, "-l", last, path, "-").stdout.decode()
    return [" ".join(line.split()) for line in raw.splitlines() if line.strip()]


def bbox_lines(path, page: int) -> list[dict]:
    """Every text line of a page with its box (pt, origin top left) and its text."""
    xml = run("pdftotext", "-bbox-layout", "-f", page, "-l", page, path, "-").stdout.decode()
    root = ET.fromstring(xml)
    lines = []
    for line in root.iter(f"{XHTML}line"):
        box = {k: float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")}
        box["text"] = "".join(word.text or "" for word in line.iter(f"{XHTML}word"))
        lines.append(box)
    return lines


def pdffonts(path) -> list[dict]:
    rows = run("pdffonts", path).stdout.decode().splitlines()[2:]
    fonts = []
    for row in rows:
        tokens = row.split()
        fonts.append({"name": tokens[0], "emb": tokens[-5], "sub": tokens[-4], "uni": tokens[-3]})
    return fonts


def pdfsig(path: Path, nssdir: Path) -> str:
    result = run("pdfsig", "-nssdir", f"sql:{nssdir}", path, check=False)
    return result.stdout.decode() + result.stderr.decode()


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory, ca_pem_file) -> Path:
    """An NSS database that trusts the demo CA, for poppler's pdfsig."""
    directory = tmp_path_factory.mktemp("nss")
    run("certutil", "-N", "--empty-password", "-d", f"sql:{directory}")
    run("certutil", "-A", "-n", "demo-ca", "-t", "CT,C,C", "-i", ca_pem_file, "-d", f"sql:{directory}")
    return directory


def expired_p12(ca: DemoCA) -> bytes:
    return make_signing_p12(
        ca,
        common_name="上海市长宁区生态环境局",
        passphrase=PASSPHRASE,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        valid_days=1,
    )


def images(path: Path) -> list[dict]:
    """pdfimages -list: one row per image (and soft mask) with its page, kind and pixel size."""
    rows = run("pdfimages", "-list", path).stdout.decode().splitlines()[2:]
    return [
        {"page": int(t[0]), "type": t[2], "width": int(t[3]), "height": int(t[4])}
        for t in (row.split() for row in rows)
    ]


def signature_widget(data: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """The visible signature's page (1-based) and its box in pdftotext's coordinates (pt, origin top left)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
    field = next(f for f in reader.root["/AcroForm"]["/Fields"] if f.get_object().get("/FT") == "/Sig")
    widget = field.get_object()
    page_ref = widget.raw_get("/P")
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    page = next(i for i in range(count) if reader.find_page_for_modification(i)[0].idnum == page_ref.idnum)
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    height = float(reader.find_page_for_modification(page)[0].get_object()["/MediaBox"][3])
    return page + 1, (x1, height - y2, x2, height - y1)
