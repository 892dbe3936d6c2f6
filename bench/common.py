"""What every part of the benchmark shares: databases, the environment of its child processes, sessions.

Each measurement runs in a child process (``python -m bench.<part> …``) with DATABASE_URL pointing at the
benchmark's own database, so that the parent never holds a connection (databases can be cloned and dropped)
and so that a child's peak memory is its own.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "benchmark-only-not-secret"
PASSWORD = "Demo@2024cn"  # seed_demo's demo password, also given to the generated users


# --- databases ----------------------------------------------------------------------------------------


def server_url(database_url: str | None) -> urllib.parse.ParseResult:
    """The configured PostgreSQL server; its database name is never used (the benchmark makes its own)."""
    url = urllib.parse.urlparse(database_url or "postgres://postgres@127.0.0.1:5432/postgres")
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url.scheme}://…")
    return url


def database_url(server: urllib.parse.ParseResult, name: str) -> str:
    return server._replace(path="/" + name).geturl()


def _admin(server: urllib.parse.ParseResult):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=server.username or "postgres",
        password=server.password,
        host=server.hostname or "127.0.0.1",
        port=server.port or 5432,
    )
    connection.autocommit = True
    return connection


def check_name(name: str) -> str:
    # Guard against ever touching another database: pytest's, the demo's, or the shared ``test``.
    if not name.startswith("bench") or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to use database {name!r}: benchmark databases are named bench…")
    return name


def database_exists(server: urllib.parse.ParseResult, name: str) -> bool:
    with _admin(server) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [check_name(name)])
        return cursor.fetchone() is not None


def drop_database(server: urllib.parse.ParseResult, name: str) -> None:
    connection = _admin(server)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{check_name(name)}" WITH (FORCE)')
    connection.close()


def create_database(server: urllib.parse.ParseResult, name: str, *, template: str | None = None) -> None:
    drop_database(server, name)
    connection = _admin(server)
    with connection.cursor() as cursor:
        clause = f' TEMPLATE "{check_name(template)}"' if template else ""
        cursor.execute(f'CREATE DATABASE "{check_name(name)}"{clause}')
    connection.close()


def database_note(server: urllib.parse.ParseResult, name: str) -> dict[str, Any] | None:
    """What the generator wrote on the database when it finished (scale, seed, timings), if anything."""
    connection = _admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [check_name(name)]
        )
        row = cursor.fetchone()
    connection.close()
    if not row or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def set_database_note(server: urllib.parse.ParseResult, name: str, note: dict[str, Any]) -> None:
    connection = _admin(server)
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{check_name(name)}" IS %s', [json.dumps(note)])
    connection.close()


# --- child processes ----------------------------------------------------------------------------------


def work_dir(run_name: str) -> Path:
    path = ROOT / "var" / "bench" / run_name
    path.mkdir(parents=True, exist_ok=True)
    return path


def child_env(database: str, run_name: str) -> dict[str, str]:
    """Production settings (DEBUG off, manifest static files) on plain HTTP over loopback."""
    work = work_dir(run_name)
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
        "MEDIA_ROOT": str(work / "media"),
        # one demo CA for every benchmark database, so that a cloned database's credentials stay usable
        "DEMO_PKI_DIR": str(ROOT / "var" / "bench" / "pki"),
        "REPORT_TRUST_ROOTS": str(ROOT / "var" / "bench" / "pki" / "demo-ca.pem"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def run_child(module: str, args: Sequence[str], env: dict[str, str], *, timeout: float = 3600) -> dict[str, Any]:
    """Run ``python -m bench.<module> ARGS --out FILE`` and return the JSON it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{module}", *args, "--out", str(out)],
            cwd=ROOT,
            env=env,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"bench.{module} failed ({result.returncode}):\n{result.stdout[-6000:]}")
        data = json.loads(out.read_text())
        data.setdefault("child_seconds", round(time.perf_counter() - started, 2))
        return data
    finally:
        out.unlink(missing_ok=True)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def setup_django() -> None:
    """In a child: Django with the environment ``child_env`` gave it."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "changning_enforce.settings")
    import django

    django.setup()


def write_out(path: str, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --- figures ------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def timing_summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# --- sessions -----------------------------------------------------------------------------------------


def signed_in_session(username: str) -> str:
    """A session key for ``username`` as after a complete sign-in (password, and TOTP where required).

    Made on the server, as tests/conftest.py's client does: the benchmark measures pages, not the login form.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.middleware import start_session_clock
    from accounts.models import User
    from accounts.otp import confirmed_device, needs_second_factor

    user = User.objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    start_session_clock(session)
    if needs_second_factor(user):
        device = confirmed_device(user)
        if device is None:
            raise SystemExit(f"{username} needs a second factor but has no confirmed device")
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key
