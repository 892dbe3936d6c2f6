#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12: debootstrap a minimal bookworm into a folder, clone this
# repository into it, and there run `make install-test` (which must install every listed package), `make run`
# (which must serve the demo) and a few tests including a browser journey. Root only; about 10 minutes.
#
#   sudo bash scripts/fresh-debian-check.sh [/tmp/fresh-debian]
#
# The chroot shares this machine's network, so the journey reaches PostgreSQL on 127.0.0.1:5432 as CI does.
set -euo pipefail
root="${1:-/tmp/fresh-debian}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" "$mirror"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Networks that inspect TLS give their CA to the host only; the chroot needs it to reach PyPI.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
trap 'umount "$root/dev" "$root/proc" 2>/dev/null || true' EXIT

# What a person has before the README: git to clone and make to run the two commands.
chroot "$root" bash -c 'apt-get update -qq && apt-get install -y -qq git make ca-certificates >/dev/null && update-ca-certificates >/dev/null'
rm -rf "$root/root/app"
git clone -q "$repo" "$root/root/app"

in_app() { chroot "$root" bash -c "cd /root/app && $*"; }

in_app make install-test
missing=()
for p in $(in_app bash scripts/install-system-deps.sh --list test); do
  [ "$(in_app dpkg-query -W -f='\${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fresh-debian-check: not installed: ${missing[*]}" >&2
  exit 1
fi

port=8799
in_app "timeout 300 make run HOST=127.0.0.1:$port" >"$root/root/make-run.log" 2>&1 &
ok=""
for _ in $(seq 1 60); do
  sleep 5
  # the page into a variable, not a pipe into `grep -q`: under pipefail grep's early exit would fail curl (SIGPIPE)
  page="$(curl -fs "http://127.0.0.1:$port/accounts/login/" || true)"
  if [[ "$page" == *"执法规范化自评系统"* ]]; then ok=1; break; fi
done
pkill -f "runserver 127.0.0.1:$port" || true
pkill -f "/root/app/.venv/bin/python manage.py db_worker" || true
[ -n "$ok" ] || { echo "fresh-debian-check: make run served no login page (log: $root/root/make-run.log)" >&2; exit 1; }

in_app make test PYTEST_ARGS="'-q tests/scripts tests/assessment/reports/test_pdf.py tests/e2e/test_staff_journey.py'"
echo "fresh-debian-check: make install-test, make run and the tests passed on a fresh Debian 12"
