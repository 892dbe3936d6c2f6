#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages of one group, only those that are missing; safe to run again.
#
#   scripts/install-system-deps.sh run          what serving the product needs (`make run`)
#   scripts/install-system-deps.sh test         that, plus what the tests need (`make test`)
#   scripts/install-system-deps.sh --list GROUP print the group's packages, one a line (.ci/run checks them)
#   scripts/install-system-deps.sh --dry-run GROUP
#                                               print what would be installed and what the distribution lacks
#
# A package the distribution does not offer (Ubuntu has no deb of Chromium) is named and skipped; nothing here
# downloads anything but Debian/Ubuntu packages.
set -euo pipefail

run_packages=(
  python3 python3-venv python3-dev            # the virtual environment the product runs in
  libpango-1.0-0 libpangoft2-1.0-0 fontconfig # WeasyPrint renders the report PDF with Pango
  libharfbuzz-subset0                         # WeasyPrint subsets CJK fonts in ~1 s with it, 15 s+ without
)
test_packages=(
  poppler-utils                               # pdftotext/pdffonts/pdfsig/pdftoppm: the tests read the PDFs back
  libnss3-tools                               # certutil: the tests check signatures with pdfsig in an NSS database
  libatomic1                                  # Playwright's bundled node driver links it; minimal Debian lacks it
  chromium                                    # the end-to-end tests drive Debian's Chromium (nothing downloads a browser)
  chromium-l10n                               # … in Chinese (file inputs and dialogs say 选择文件, not "Choose Files")
  fonts-noto-cjk                              # Chromium shows the Chinese pages (and screenshots) with a CJK font
  wrk                                         # bench/run.py measures throughput with it
)

usage() {
  echo "usage: $0 [--list|--dry-run] run|test" >&2
  exit 2
}

mode=install
case "${1:-}" in
  --list) mode=list; shift ;;
  --dry-run) mode=dry-run; shift ;;
esac
group="${1:-}"
case "$group" in
  run) packages=("${run_packages[@]}") ;;
  test) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) usage ;;
esac
if [ -n "${EXTRA_SYSTEM_PACKAGES:-}" ]; then
  # shellcheck disable=SC2206
  packages+=(${EXTRA_SYSTEM_PACKAGES})
fi

if [ "$mode" = list ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian/Ubuntu system; install these yourself: ${packages[*]}" >&2
  exit 0
fi

is_installed() {
  # No pipe into `grep -q`: under pipefail its early exit makes the producer die of SIGPIPE, and the test fails.
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ]
}

is_offered() {
  local policy
  policy="$(apt-cache policy "$1" 2>/dev/null || true)"
  [[ "$policy" == *"Candidate: "* && "$policy" != *"Candidate: (none)"* ]]
}

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "$mode" = dry-run ] && echo "install-system-deps: nothing to install"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# apt-cache knows no candidates before the first update on a fresh machine.
if [ "$mode" = install ] || [ "$(id -u)" -eq 0 ]; then
  $sudo apt-get update -qq
fi

installable=()
for p in "${missing[@]}"; do
  if is_offered "$p"; then
    installable+=("$p")
  else
    echo "install-system-deps: this system offers no package \"$p\"; skipped" >&2
  fi
done

if [ "$mode" = dry-run ]; then
  for p in "${installable[@]}"; do
    echo "would install: $p"
  done
  exit 0
fi
[ ${#installable[@]} -eq 0 ] && exit 0
echo "install-system-deps: installing ${installable[*]}"
$sudo apt-get install -y -qq --no-install-recommends "${installable[@]}"
