"""Throughput: gunicorn (2 sync workers) on loopback, wrk for a fixed time on the dashboard and on /healthz.

    python -m bench.load --seconds 30 --out FILE

The dashboard is requested with the session cookie of a signed-in user (made on the server, with the second
factor passed for leaders); /healthz is the trivial view of the same server (every middleware, one SELECT 1).
Errors are wrk's socket errors (connect, read, write, timeout) plus every response outside 2xx, counted by a
wrk Lua script: a redirect to the login page would otherwise count as a success.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import ROOT, setup_django, signed_in_session, write_out

WORKERS = 2
CONNECTIONS = 4
WRK = "/usr/bin/wrk"
COUNT_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non2xx") end
  io.write(string.format("NON2XX %d\\n", total))
end
"""
TARGETS = [
    ("dashboard_leader", "/", "changning_leader"),
    ("dashboard_city", "/", "city_reviewer"),
    ("healthz", "/healthz", None),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def parse_wrk(output: str) -> dict[str, Any]:
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.M))
    result = {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency_p50_ms": _ms(latency["50"]),
        "latency_p99_ms": _ms(latency["99"]),
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(re.search(r"NON2XX (\d+)", output).group(1)),
    }
    result["errors"] = result["socket_errors"] + result["non_2xx"]
    return result


def run_wrk(url: str, cookie: str | None, seconds: float, script: Path) -> dict[str, Any]:
    command = [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{round(seconds)}s", "--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed: {result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    cookies = {
        name: f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}" if user else None for name, _, user in TARGETS
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "changning_enforce.wsgi"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    results: dict[str, Any] = {"workers": WORKERS, "connections": CONNECTIONS, "seconds": args.seconds}
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(COUNT_SCRIPT)
            script = Path(handle.name)
        for name, path, _ in TARGETS:
            # the page must answer 200 to this session before its throughput means anything
            request = urllib.request.Request(base + path, headers={"Cookie": cookies[name]} if cookies[name] else {})
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status != 200 or response.url != base + path:
                    raise SystemExit(f"{path} answered {response.status} at {response.url}, not the page")
            for _ in range(2 * WORKERS):  # warm both workers
                urllib.request.urlopen(request, timeout=30).read()
            results[name] = run_wrk(base + path, cookies[name], args.seconds, script)
            print(name, results[name])
        script.unlink()
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    healthz = results["healthz"]["requests_per_second"]
    for name, _, user in TARGETS:
        if user:
            results[name]["ratio_to_healthz"] = round(results[name]["requests_per_second"] / healthz, 3)
    results["errors"] = sum(results[name]["errors"] for name, _, _ in TARGETS)
    write_out(args.out, results)


if __name__ == "__main__":
    main()
