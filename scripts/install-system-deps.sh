#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the product needs, only those that are missing.
# Called by `make run` and `make test`; safe to run again.
set -euo pipefail

packages=(
  python3 python3-venv python3-dev            # the virtual environment the product runs in
  libpango-1.0-0 libpangoft2-1.0-0 fontconfig # WeasyPrint renders the report PDF with Pango
  libharfbuzz-subset0                         # WeasyPrint subsets CJK fonts in ~1 s with it, 15 s+ without
  poppler-utils                               # pdftotext/pdffonts/pdfsig: the tests read the PDFs back
  libnss3-tools                               # certutil: the tests check signatures with pdfsig in an NSS database
  chromium                                    # the end-to-end tests drive Debian's Chromium (Playwright never downloads one)
  chromium-l10n                               # … in Chinese (file inputs and dialogs say 选择文件, not "Choose Files")
  fonts-noto-cjk                              # Chromium shows the Chinese pages (and screenshots) with a CJK font
  wrk                                         # bench/run.py measures throughput with it
)
if [ -n "${EXTRA_SYSTEM_PACKAGES:-}" ]; then
  # shellcheck disable=SC2206
  packages+=(${EXTRA_SYSTEM_PACKAGES})
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian/Ubuntu system; install these yourself: ${packages[*]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq

# Ubuntu has no deb of Chromium (its "chromium-browser" is a snap stub) nor chromium-l10n: install what this
# distribution offers and say what it lacks; the Makefile then lets Playwright fetch its own Chromium.
installable=()
for p in "${missing[@]}"; do
  if apt-cache policy "$p" 2>/dev/null | grep -q "Candidate: [^(]"; then
    installable+=("$p")
  else
    echo "install-system-deps: this system offers no package \"$p\"; skipped" >&2
  fi
done
[ ${#installable[@]} -eq 0 ] && exit 0
echo "install-system-deps: installing ${installable[*]}"
$sudo apt-get install -y -qq --no-install-recommends "${installable[@]}"
