"""Every environment variable that settings.py reads is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""(?:env_bool|env_list|environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def settings_read() -> set[str]:
    return set(READ.findall((ROOT / "changning_enforce" / "settings.py").read_text(encoding="utf-8")))


def test_settings_reads_what_this_test_can_see():
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "LEDGER_MAX_BYTES"} <= settings_read()


def test_every_setting_read_is_in_env_example():
    documented = set(DOCUMENTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert settings_read() - documented == set()


def test_env_example_promises_no_dotenv_file():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "Copy to .env" not in text
    assert "Nothing reads a .env file" in text
