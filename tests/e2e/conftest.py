"""End-to-end tests: Debian's Chromium, driven by Playwright, against the product as it runs in production.

Whatever database the rest of the suite uses (``make test`` runs it on PostgreSQL and on SQLite), these tests run
on PostgreSQL at 127.0.0.1:5432 (user postgres), as production does:

* once per run, a template database ``e2e_template_<pid>`` is migrated and loaded with ``seed_demo`` (the demo
  certificates go to a temporary directory), while ``collectstatic`` builds the static files (kept in
  ``var/e2e-static/<hash of static/ and requirements.txt>/``, so the next run skips the 15 s it takes);
* for every test, ``CREATE DATABASE e2e_<pid>_<n> TEMPLATE e2e_template_<pid>`` gives a fresh copy of the demo
  data (well under a second), served by gunicorn with ``DEBUG=0`` (static files from WhiteNoise's manifest, as in
  production: a template naming a missing static file fails here as it would there) on a free loopback port,
  with a real task worker (``manage.py db_worker``) for ledger imports and report rendering; both are stopped
  and the copy dropped afterwards.

gunicorn rather than ``runserver``: it is what production runs (README 生产部署), and with ``DEBUG=0`` the pages,
error handling and static files are production's. Only HTTPS is off (``SECURE_SSL_REDIRECT=0``,
``SECURE_COOKIES=0``, no HSTS): the browser speaks plain HTTP to 127.0.0.1.

Fixtures for any end-to-end test:

* ``e2e_server``: the server's base URL (a ``LiveServer``, a ``str`` with ``database_url``, ``env`` and
  ``manage(*args)`` for a look behind the scenes);
* ``browser``: the Chromium instance; ``new_page()``: a page in a new browser context (its own cookies, so several
  users can be signed in at once), 1366×768, base URL set; ``page``: one such page;
* every page is watched (``tests.e2e.helpers.PageWatch``): a JavaScript error, a console error, a failed request
  or a response of 400 or more fails the test when it ends, unless the test announced it with
  ``helpers.expect_http_error(page, status, url_part)``; confirmations (``data-confirm``) are answered "确定" and
  ``helpers.click_confirming`` checks the question; a failing test leaves a full-page ``failure-*.png``;
* ``shots(page, "name")``: a numbered screenshot in ``var/e2e-screenshots/<test>/`` (``E2E_SCREENSHOT_DIR``
  overrides the root), where the server and worker logs are kept too;
* ``helpers.login(page, username)`` signs in, with the authenticator code for leaders and admins.

``make screenshots`` sets ``E2E_README_SHOTS=docs/screenshots``: the journeys then also write the README's images.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.helpers import ROOT, PageWatch, Screenshots, forget_totp_steps

# Debian's chromium (scripts/install-system-deps.sh test installs it); E2E_CHROMIUM names another build, e.g. on
# Ubuntu, whose Chromium is a snap with no deb. Nothing here downloads a browser.
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM") or "/usr/bin/chromium")
# --lang: the browser's own texts (file inputs, dialogs) in Chinese, with Debian's chromium-l10n
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
VIEWPORT = {"width": 1366, "height": 768}
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# Signing credentials are stored encrypted with a key derived from SECRET_KEY: seed and server must share it.
SECRET_KEY = "e2e-tests-only-not-a-secret-2f1c9a"
E2E_DIR = Path(__file__).resolve().parent
STATIC_CACHE = ROOT / "var" / "e2e-static"
_copies = itertools.count(1)


# --- marking, and the test's outcome for the page fixtures -------------------------------------------------


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


# --- PostgreSQL ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _postgres() -> Iterator:
    import psycopg2

    try:
        connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    except psycopg2.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL 不可达（{PG['host']}:{PG['port']}，用户 {PG['user']}）：端到端测试总在 PostgreSQL 上运行。"
            f"请启动 PostgreSQL（.ci/run 会启动它）。{exc}",
            pytrace=False,
        )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _database_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def _drop(name: str) -> None:
    with _postgres() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server_env(*, database_url: str, static_root: Path, media_root: Path, pki_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # nothing of the surrounding run's deployment settings: this server is configured here
        if key not in {"REPORT_TRUST_ROOTS", "BEHIND_TLS_PROXY", "CSRF_TRUSTED_ORIGINS", "TASKS_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="changning_enforce.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        DEMO_PKI_DIR=str(pki_dir),
        REPORT_TRUST_ROOTS=str(pki_dir / "demo-ca.pem"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


# --- the demo database and the static files, once per run --------------------------------------------------


def _static_key() -> str:
    """What the collected static files depend on: our static/ and the pinned packages (Django admin's files)."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _prune_static_cache(*, keep: Path, unused_for: float = 6 * 3600) -> None:
    """Collected files of earlier versions of static/, unless some run (another checkout user's) used them lately."""
    for old in STATIC_CACHE.iterdir():
        if old != keep and time.time() - old.stat().st_mtime > unused_for:
            shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class DemoTemplate:
    name: str
    static_root: Path
    pki_dir: Path


@pytest.fixture(scope="package", autouse=True)
def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"Chromium 未安装（{CHROMIUM}），端到端测试无法运行：`make test` 会安装 Debian 的 chromium 软件包；"
        "发行版没有该软件包时（如 Ubuntu 只有 snap），安装一个 Chromium 并用环境变量 E2E_CHROMIUM 指明其路径"
    )
    if os.environ.get("E2E_REQUIRED"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def e2e_template(tmp_path_factory) -> Iterator[DemoTemplate]:
    name = f"e2e_template_{os.getpid()}"
    pki_dir = tmp_path_factory.mktemp("e2e-pki")
    static_root = STATIC_CACHE / _static_key()
    _drop(name)
    with _postgres() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    env = _server_env(
        database_url=_database_url(name),
        static_root=static_root,
        media_root=tmp_path_factory.mktemp("e2e-seed-media"),
        pki_dir=pki_dir,
    )
    collecting = None
    building = static_root.with_name(f"{static_root.name}.building-{os.getpid()}")
    if not static_root.is_dir():
        # in parallel with migrate and seed_demo: compressing the vendored libraries takes most of the time
        collecting = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(building)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo", "-v0")
        if collecting is not None:
            output, _ = collecting.communicate(timeout=300)
            if collecting.returncode != 0:
                pytest.fail(f"collectstatic failed:\n{output}", pytrace=False)
            try:
                building.rename(static_root)
            except OSError:  # another run finished the same files first
                shutil.rmtree(building, ignore_errors=True)
            _prune_static_cache(keep=static_root)
        os.utime(static_root)  # in use: not pruned by another run
        yield DemoTemplate(name=name, static_root=static_root, pki_dir=pki_dir)
    finally:
        if collecting is not None and collecting.poll() is None:
            collecting.kill()
            collecting.wait()
        shutil.rmtree(building, ignore_errors=True)
        _drop(name)


# --- the server and the worker, once per test ---------------------------------------------------------------


class LiveServer(str):
    """The base URL (``http://127.0.0.1:<port>``), with what is behind it."""

    database_url: str
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        """Run a management command against this server's database (to look, not to drive the journey)."""
        return _manage(self.env, *args)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(*processes: subprocess.Popen) -> None:
    """SIGTERM (both shut down gracefully), all at once; SIGKILL what is still running 15 s later."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-4000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer {url}/healthz within 60 s:\n{log.read_text()[-4000:]}", pytrace=False)


@pytest.fixture
def artifacts(request) -> Path:
    """This test's screenshot directory (emptied first); the server and worker logs are written there too."""
    root = Path(os.environ.get("E2E_SCREENSHOT_DIR") or ROOT / "var" / "e2e-screenshots")
    directory = root / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


@pytest.fixture
def shots(artifacts) -> Screenshots:
    return Screenshots(artifacts)


@pytest.fixture
def e2e_server(e2e_template, artifacts, tmp_path) -> Iterator[LiveServer]:
    name = f"e2e_{os.getpid()}_{next(_copies)}"
    _drop(name)
    with _postgres() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{e2e_template.name}"')
    env = _server_env(
        database_url=_database_url(name),
        static_root=e2e_template.static_root,
        media_root=tmp_path / "media",
        pki_dir=e2e_template.pki_dir,
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_log, worker_log = artifacts / "server.log", artifacts / "worker.log"
    processes: list[subprocess.Popen] = []
    try:
        with server_log.open("w") as server_out, worker_log.open("w") as worker_out:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--workers",
                        "2",
                        "--threads",
                        "4",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "120",
                        "--access-logfile",
                        "-",
                        "--no-control-socket",  # its default path is per user: two servers at once would share it
                        "changning_enforce.wsgi",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=server_out,
                    stderr=subprocess.STDOUT,
                )
            )
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "db_worker",
                        "--no-reload",
                        "--no-startup-delay",
                        "--interval",
                        "0.2",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=worker_out,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_until_up(url, processes[0], server_log)
        forget_totp_steps(url)
        live = LiveServer(url)
        live.database_url, live.env = env["DATABASE_URL"], env
        yield live
    finally:
        _stop(*processes)
        _drop(name)


# --- the browser and watched pages --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator:
    # Package scope: Playwright's sync API keeps an asyncio loop marked as running on this thread while it is
    # started, which makes Django refuse database access ("async context") in the tests that run after these.
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a page rendered by a busy CI machine may take more than the default 5 s

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, e2e_server, artifacts, request) -> Iterator[Callable[..., object]]:
    """``new_page(label)``: a watched page in its own browser context (its own sign-in), 1366×768."""
    contexts: list[tuple[object, PageWatch]] = []

    def make(label: str = "page"):
        context = browser.new_context(
            base_url=str(e2e_server),
            viewport=VIEWPORT,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        watch = PageWatch(label)
        context.on("page", watch.watch)
        page = context.new_page()
        watch.watch(page)
        contexts.append((context, watch))
        return page

    yield make

    failed = request.node.stash.get(_CALL_FAILED, False)
    problems: list[str] = []
    for context, watch in contexts:
        for n, page in enumerate(watch.pages):
            if failed and not page.is_closed():
                with contextlib.suppress(Exception):
                    page.screenshot(path=artifacts / f"failure-{watch.label}-{n}.png", full_page=True)
        problems += [f"[{watch.label}] {p}" for p in watch.problems]
        context.close()
    if problems:
        pytest.fail("浏览器中出现错误：\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page("page")
