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

# spaCy's wheels for Python <= 3.11 carry Cython's profiling hooks, which make its NER about
# 3x slower (pipeline/nlp/spacy_build.py). Rebuild the same release from its source without
# them: about 4 minutes on 2 cores, once. If the build fails, the wheel stays: slower, same
# results.
if ! .venv/bin/python -m pipeline.nlp.spacy_build >/dev/null; then
  spacy_version=$(.venv/bin/python -c "import spacy; print(spacy.__version__)")
  echo "Rebuilding spaCy $spacy_version without Cython's profiling hooks (a few minutes)..."
  if CFLAGS="-DCYTHON_PROFILE=0" CXXFLAGS="-DCYTHON_PROFILE=0" SPACY_NUM_BUILD_JOBS="$(nproc)" \
    .venv/bin/pip install -q --no-cache-dir --no-deps --force-reinstall --no-binary spacy \
    "spacy==$spacy_version"; then
    .venv/bin/python -m pipeline.nlp.spacy_build || true
  else
    echo "warning: the rebuild of spaCy failed; keeping the wheel (slower NER, same results)" >&2
  fi
fi
