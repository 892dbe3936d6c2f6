"""What the end-to-end tests share: signing in (with the second factor), screenshots, the README images.

Imported by the journeys and by other end-to-end tests as ``tests.e2e.helpers``; the fixtures (``e2e_server``,
``browser``, ``page``, ``new_page``, ``shots``) are in ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django_otp.oath import TOTP
from playwright.sync_api import Locator, Page, expect

from accounts.demo import DEMO_TOTP_KEY

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "Demo@2024cn"
TOTP_STEP = 30

# Each code is accepted once (django-otp remembers the last time step used per device), so a second sign-in of
# the same account on the same server uses the next step's code, which django-otp's tolerance of one step accepts.
_last_step: dict[tuple[str, str], int] = {}


def forget_totp_steps(origin: str) -> None:
    """A fresh database behind ``origin``: its devices have used no code yet."""
    for key in [k for k in _last_step if k[0] == origin]:
        del _last_step[key]


def demo_totp_code(origin: str, username: str) -> str:
    """A code of the demo secret (README 演示账号) that this account has not used yet on this server."""
    while True:
        now = int(time.time()) // TOTP_STEP
        step = max(now, _last_step.get((origin, username), -1) + 1)
        if step <= now + 1:
            break
        time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.05)  # both steps used: wait for the next one
    _last_step[(origin, username)] = step
    generator = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=TOTP_STEP, t0=0, digits=6)
    generator.time = step * TOTP_STEP
    return f"{generator.token():06d}"


@dataclass
class PageWatch:
    """What happened in one browser context that the test did not ask for: JavaScript errors, console errors,
    failed requests, HTTP errors; and the confirmations the pages asked (all answered "确定", as the user would
    who goes on with the journey)."""

    label: str
    problems: list[str] = field(default_factory=list)
    expected: list[tuple[int, str]] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def watch(self, page: Page) -> None:
        if page in self.pages:
            return
        self.pages.append(page)
        _watches[page] = self
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript 错误（{page.url}）：{error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        # "Failed to load resource: … status of 404": the response itself is checked (and may be expected)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"控制台错误（{message.location.get('url', '')}）：{message.text}")

    def _request_failed(self, request) -> None:
        failure = request.failure or ""
        # a navigation that became a download, or a poll cut short by leaving the page, is aborted by the browser
        if failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"请求失败：{request.method} {request.url}：{failure}")

    def _response(self, response) -> None:
        if response.status < 400:
            return
        if any(response.status == status and part in response.url for status, part in self.expected):
            return
        self.problems.append(f"HTTP {response.status}：{response.request.method} {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()


_watches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch_of(page: Page) -> PageWatch:
    return _watches[page]


def expect_http_error(page: Page, status: int, url_part: str) -> None:
    """Announce a response the test provokes on purpose (e.g. a form refused with 400), so it does not fail it."""
    watch_of(page).expected.append((status, url_part))


def click_confirming(page: Page, target: Locator, expected: str) -> None:
    """Click something the page asks to confirm first (``data-confirm``), check the question, answer "确定"."""
    dialogs = watch_of(page).dialogs
    asked_before = len(dialogs)
    target.click()
    page.wait_for_load_state()
    assert len(dialogs) > asked_before, f"the page did not ask for confirmation ({expected})"
    assert expected in dialogs[-1], dialogs[-1]


def origin_of(page: Page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as a user sees it: the password, then the authenticator code when the account has one.

    The page's context has the server as its base URL (the ``page`` and ``new_page`` fixtures set it). Leaders and
    admins of the demo data have the published demo secret (README 身份鉴别); their code is computed here.
    """
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/otp/" in page.url:
        expect(page.get_by_role("heading", name="第二步：输入验证码")).to_be_visible()
        page.get_by_label("验证码").fill(demo_totp_code(origin_of(page), username))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|otp)/"))


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


class Screenshots:
    """``shots(page, "name")`` saves ``NN-name.png`` in the test's screenshot directory, numbered in order."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0

    def __call__(self, page: Page, name: str, *, full_page: bool = False) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        return path


def readme_dir() -> Path | None:
    """Where the README's images go when ``make screenshots`` runs the journeys (E2E_README_SHOTS), else None."""
    value = os.environ.get("E2E_README_SHOTS")
    if not value:
        return None
    directory = Path(value) if Path(value).is_absolute() else ROOT / value
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def readme_shot(page: Page, name: str, *, full_page: bool = False, down_to: Locator | None = None) -> None:
    """The browser's view as a README image (docs/screenshots/<name>.png), only under ``make screenshots``.

    ``full_page``: the whole page; ``down_to``: the page from its top to the bottom of that element.
    """
    directory = readme_dir()
    if directory is None:
        return
    path = directory / f"{name}.png"
    if down_to is not None:
        page.evaluate("window.scrollTo(0, 0)")
        box = down_to.bounding_box()
        assert box is not None, "not on the page"
        width = page.viewport_size["width"]
        clip = {"x": 0, "y": 0, "width": width, "height": box["y"] + box["height"] + 16}
        page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")
    else:
        page.screenshot(path=path, full_page=full_page, animations="disabled")


def pdf_page_png(pdf: Path, out: Path, *, page: int = 1, dpi: int = 80) -> Path:
    """One page of a PDF as a PNG (poppler's pdftoppm)."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out.with_suffix("")),
        ],
        check=True,
        timeout=60,
    )
    return out


def pdf_page_with(pdf: Path, text: str) -> int:
    """The number of the first page whose text contains ``text``."""
    page = 1
    while True:
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise AssertionError(f"{text!r} is on no page of {pdf}")
        if text in re.sub(r"\s+", "", result.stdout):
            return page
        page += 1


def pdf_text(pdf: Path) -> str:
    """The PDF's text (poppler's pdftotext), with the line breaks and spaces of the layout removed."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    )
    return re.sub(r"\s+", "", result.stdout)
