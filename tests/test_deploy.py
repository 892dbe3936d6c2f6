"""Django's deployment checklist and the HTTP security headers."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qz!v9Lr2@pX4mWb8^Tn6$Hs1&Jd3*Fg5(Ya0)Uc-e_Vo+Ri=Kl~Mq",
        "ALLOWED_HOSTS": "zfgf.example.gov.cn",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("SECURE_COOKIES", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 silenced" in result.stdout  # security.W021 only, with its reason in settings and README


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, alice):
    client.force_login(alice)
    response = client.get(reverse("assessment:list"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # no inline script: every script has a src


def test_https_only_cookies_hsts_and_redirect_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get(reverse("accounts:login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, opener=None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _signed_in_opener(base: str, username: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/accounts/login/", timeout=10).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        base + "/accounts/login/", data=body.encode(), headers={"Referer": base + "/accounts/login/"}
    )
    page = opener.open(request, timeout=10).read().decode()
    assert any(c.name == "sessionid" for c in jar), "login failed: " + page[page.find("alert") :][:300]
    return opener


def _alter_database(db: dict, change: str) -> None:
    """ALTER DATABASE from the server's maintenance database (a database cannot lock itself out)."""
    import psycopg2

    with psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    ) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{db["NAME"]}" {change}')


def _terminate_site_connections(connection, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_gives_a_clear_page_and_the_site_recovers(tmp_path, alice):
    """A real gunicorn on loopback; the database cuts every connection of the site, then comes back."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a database server whose connections can be cut (PostgreSQL)")
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": "outage-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",  # plain http on loopback: the signed-in client must get its cookies back
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "changning_enforce.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(url)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        # A cut connection alone is replaced before the next request uses it (CONN_HEALTH_CHECKS):
        _terminate_site_connections(connection, db["NAME"])
        assert _get(url) == (200, "ok")
        # A signed-in user too: the session and user middleware read the database before any view runs.
        base = f"http://127.0.0.1:{port}"
        # The tests hash passwords with MD5 for speed; the server runs the production hashers.
        alice.password = PBKDF2PasswordHasher().encode("Test-pass-2024", PBKDF2PasswordHasher().salt())
        alice.save(update_fields=["password"])
        signed_in = _signed_in_opener(base, "alice", "Test-pass-2024")
        assert _get(base + "/assessments/", signed_in)[0] == 200
        # The database refusing connections for a while: a clear page, not a traceback ...
        _alter_database(db, "ALLOW_CONNECTIONS false")
        try:
            _terminate_site_connections(connection, db["NAME"])
            for opener, page_url in [(None, url), (signed_in, base + "/assessments/"), (signed_in, base + "/")]:
                status, page = _get(page_url, opener)
                assert status == 503, (page_url, status)
                assert "服务暂时不可用" in page and "Traceback" not in page
        finally:
            _alter_database(db, "ALLOW_CONNECTIONS true")
        # ... and the site works again as soon as the database is back, the user still signed in.
        assert _get(url) == (200, "ok")
        status, page = _get(base + "/assessments/", signed_in)
        assert status == 200 and "规范化自评" in page
    finally:
        server.terminate()
        server.wait(10)
