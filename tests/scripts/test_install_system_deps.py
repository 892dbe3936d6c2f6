"""scripts/install-system-deps.sh: what `make run` and `make test` install on a fresh Debian/Ubuntu machine.

The dry run asks apt what it offers, as the real run does, so a check that wrongly finds nothing offered (the
SIGPIPE of `apt-cache policy | grep -q` under pipefail did exactly that) lists nothing to install and fails here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-system-deps.sh"
# GNU hello: offered by Debian and Ubuntu alike, needed by nothing, so never installed by the product.
OFFERED_NOT_INSTALLED = "hello"

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="不是 Debian/Ubuntu 系统")


def run_script(*args: str, extra: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "EXTRA_SYSTEM_PACKAGES": extra},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False)
    return result.stdout == "install ok installed"


def test_the_run_group_holds_no_test_tool():
    listed = run_script("--list", "run").stdout.split()
    assert "python3-venv" in listed and "libharfbuzz-subset0" in listed
    for test_only in ("chromium", "poppler-utils", "libnss3-tools", "wrk", "fonts-noto-cjk"):
        assert test_only not in listed


def test_the_test_group_is_the_run_group_and_the_test_tools():
    run_group = run_script("--list", "run").stdout.split()
    test_group = run_script("--list", "test").stdout.split()
    assert test_group[: len(run_group)] == run_group
    assert {"chromium", "chromium-l10n", "poppler-utils", "libnss3-tools", "fonts-noto-cjk", "wrk"} <= set(test_group)


def test_a_missing_package_the_distribution_offers_would_be_installed():
    if installed(OFFERED_NOT_INSTALLED):
        pytest.skip(f"{OFFERED_NOT_INSTALLED} is installed on this machine; the dry run would have nothing to list")
    result = run_script("--dry-run", "run", extra=OFFERED_NOT_INSTALLED)
    assert result.returncode == 0, result.stderr
    assert f"would install: {OFFERED_NOT_INSTALLED}" in result.stdout.splitlines()
    assert "offers no package" not in result.stderr


def test_a_package_the_distribution_lacks_is_named_and_skipped():
    result = run_script("--dry-run", "run", extra="no-such-package-zfgf")
    assert result.returncode == 0, result.stderr
    assert 'offers no package "no-such-package-zfgf"; skipped' in result.stderr
    assert "no-such-package-zfgf" not in result.stdout


def test_an_installed_package_is_not_installed_again():
    assert installed("python3")
    result = run_script("--dry-run", "run", extra="python3")
    assert "would install: python3\n" not in result.stdout


def test_an_unknown_group_is_refused():
    result = run_script("--dry-run", "everything")
    assert result.returncode == 2
    assert "usage" in result.stderr
