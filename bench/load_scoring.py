"""Load and lost-update check: 20 concurrent clients score the same assessment for 60 s against gunicorn on
PostgreSQL (loopback only, bounded in time). Counts accepted and refused saves and server errors, then checks
that every accepted save is in the database (each accepted save raised the score's version by exactly one)
and that every refused one was told so.

    python bench/load_scoring.py [--clients 20] [--seconds 60] [--database-url postgres://…/loadtest]

The database named in --database-url is dropped and created anew. Writes bench/results/load_scoring.json.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo@2024cn"
REFUSED_TEXT = "未保存"
KNOWN = ("accepted", "refused_and_told", "server_errors", "sheet_loads")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres", user=parts.username or "postgres", host=parts.hostname, port=parts.port or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    return result.stdout


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")

    def login(self, username: str) -> None:
        self.request("/accounts/login/")
        status, _, _ = self.request(
            "/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        )
        assert status == 302, f"login of {username} failed: {status}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/loadtest")
    args = parser.parse_args()

    recreate_database(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(ROOT / "var" / "load-static"),
        "MEDIA_ROOT": str(ROOT / "var" / "load-media"),
        "DEMO_PKI_DIR": str(ROOT / "var" / "load-pki"),
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    setup = manage(
        env,
        "shell",
        "-c",
        "import json\n"
        "from django.contrib.auth.models import Group\n"
        "from accounts.models import User, Organization\n"
        "from assessment.models import SelfAssessment, Indicator\n"
        "org = Organization.objects.get(code='changning')\n"
        f"for n in range({args.clients}):\n"
        "    u, made = User.objects.get_or_create(username=f'load_scorer_{n}', defaults={'organization': org})\n"
        f"    u.set_password('{PASSWORD}'); u.save(); u.groups.add(Group.objects.get(name='填报人'))\n"
        "a = SelfAssessment.objects.get(organization=org, year=2024)\n"
        "ids = list(Indicator.objects.filter(system__standard=a.standard, rule_items=None).values_list('pk', flat=True))\n"
        "from assessment.models import Score\n"
        "ids = ids[:4]\n"
        "versions = {s.indicator_id: s.version for s in Score.objects.filter(assessment=a, indicator_id__in=ids)}\n"
        "print(json.dumps({'assessment': a.pk, 'indicators': ids, 'versions': {i: versions.get(i, 0) for i in ids}}))",
    )
    target = json.loads(setup.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "changning_enforce.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        counts = run_clients(base, target, args)
    finally:
        server.terminate()
        server.wait(20)
    verify = manage(
        env,
        "shell",
        "-c",
        "import json\nfrom assessment.models import Score\n"
        f"print(json.dumps({{str(s.indicator_id): s.version for s in Score.objects.filter(assessment_id={target['assessment']}, indicator_id__in={target['indicators']})}}))",
    )
    versions = json.loads(verify.strip().splitlines()[-1])
    report(counts, versions, target, args)


def run_clients(base: str, target: dict, args) -> dict:
    lock = threading.Lock()
    counts: Counter = Counter()
    accepted_by_indicator: Counter = Counter()
    initial_versions = {int(k): v for k, v in target["versions"].items()}
    deadline = time.monotonic() + args.seconds
    sheet = f"/assessments/{target['assessment']}/scores/?mine=0"

    def worker(n: int) -> None:
        client = Client(base)
        client.login(f"load_scorer_{n}")
        rng = random.Random(n)
        while time.monotonic() < deadline:
            try:
                step(client, rng, n)
            except OSError as error:  # refused, reset or timed out: counted, never a silently dead client
                with lock:
                    counts["transport_errors"] += 1
                    counts[f"transport_{type(error).__name__}"] += 1

    def step(client: Client, rng: random.Random, n: int) -> None:
        status, page, _ = client.request(sheet)
        with lock:
            counts["sheet_loads" if status == 200 else "server_errors" if status >= 500 else f"sheet_{status}"] += 1
        if status != 200:
            return
        indicator = rng.choice(target["indicators"])
        match = re.search(rf'name="i{indicator}-version"[^>]*value="(\d+)"', page) or re.search(
            rf'value="(\d+)"[^>]*name="i{indicator}-version"', page
        )
        version = match.group(1) if match else ""
        time.sleep(rng.uniform(0, 0.05))  # think time: lets others change the same indicator meanwhile
        data = {
            "csrfmiddlewaretoken": client.csrf(),
            f"i{indicator}-score": str(rng.choice([0, 0.5, 1, 1.5, 2, 3, 4])),
            f"i{indicator}-justification": f"负载测试 客户端{n}",
            f"i{indicator}-version": version,
        }
        status, body, _ = client.request(f"/assessments/{target['assessment']}/scores/{indicator}/", data)
        with lock:
            if status == 302:
                counts["accepted"] += 1
                accepted_by_indicator[indicator] += 1
            elif status in (400, 409) and REFUSED_TEXT in body:
                counts["refused_and_told"] += 1
            elif status >= 500:
                counts["server_errors"] += 1
            else:
                counts[f"unexpected_{status}"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"counts": counts, "accepted_by_indicator": accepted_by_indicator, "initial_versions": initial_versions}


def report(result: dict, versions: dict[str, int], target: dict, args) -> None:
    counts = result["counts"]
    accepted = result["accepted_by_indicator"]
    initial = result["initial_versions"]
    lost = {
        i: {"accepted": accepted[i], "version_gain": versions.get(str(i), 0) - initial.get(i, 0)}
        for i in target["indicators"]
        if versions.get(str(i), 0) - initial.get(i, 0) != accepted[i]
    }
    summary = {
        "clients": args.clients,
        "seconds": args.seconds,
        "gunicorn_workers": args.workers,
        "accepted": counts["accepted"],
        "refused_and_told": counts["refused_and_told"],
        "server_errors": counts["server_errors"],
        "sheet_loads": counts["sheet_loads"],
        "other": {k: v for k, v in counts.items() if k not in KNOWN},
        "indicators": len(target["indicators"]),
        "accepted_saves_missing_from_database": lost,
    }
    # Anything else (a refusal without the message, a 4xx, a dropped connection) fails the run too.
    summary["ok"] = counts["server_errors"] == 0 and not summary["other"] and not lost and counts["accepted"] > 0
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load_scoring.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if not summary["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
