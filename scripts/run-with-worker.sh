#!/usr/bin/env bash
# `make run`: the background task worker (large ledger imports) and the web server together.
# The server stays in the foreground; when it stops (Ctrl+C), the worker is stopped too.
set -euo pipefail
PY="${PY:-.venv/bin/python}"
HOST="${HOST:-127.0.0.1:8000}"

"$PY" manage.py db_worker --no-reload --interval 1 &
worker=$!
stop_worker() {
  kill -TERM "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT

"$PY" manage.py runserver "$HOST"
