#!/usr/bin/env bash
# Install everything protokoll needs on a fresh Debian machine: system packages, then a
# virtual environment in .venv with the project and its dev tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Tesseract with Swedish data (OCR of scans), LibreOffice Writer (legacy
# .doc/.rtf/.odt to .docx), poppler-utils (PDF rendering for OCR), Chromium (browser test).
DEBIAN_PACKAGES=(tesseract-ocr tesseract-ocr-swe libreoffice-writer-nogui poppler-utils chromium)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[dev]'
