"""A synthetic archive for the benchmark, made from the bundled sample minutes.

Every document is distinct (its own meeting date, its own run of agenda items), so neither
the document cache nor anything else can serve one document from another. Formats:

- Run-your-meeting text exports (``.rym.md``): the sample's header and attendance and a
  cycle of its agenda items, renumbered;
- Word files (``.docx``) of the same texts, through ``scripts/make_sample_docx.py``;
- text PDFs converted from those Word files by LibreOffice (``soffice --convert-to pdf``),
  when a PDF backend is registered and LibreOffice is installed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.rym.md"
_ITEM = re.compile(r"^(#{2,3}) (\d+)\.((?:\d+\.)*) ")
# Twenty bodies, one per meeting in turn: an archive holds many bodies, and follow-up
# linking compares an action only with earlier actions of the same body.
_BODY_NAMES = """Kommunchefs Kultur Miljö Skol Trafik Bygg Vård Närings Turism Energi Fritids Plan
Social Teknik Kris Digital Upphandlings Personal Ekonomi Integrations"""
BODIES = [f"{name}gruppen" for name in _BODY_NAMES.split()]


def _parts() -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(header lines, repeatable item blocks, closing item blocks) of the sample."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## Protokoll"))
    head, body = lines[: start + 1], lines[start + 1 :]
    starts = [i for i, line in enumerate(body) if (m := _ITEM.match(line)) and not m.group(3)]
    items = [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    closing = [it for it in items if re.search(r"Nästa möte|avslutande", it[0])]
    return head, [it for it in items if it not in closing], closing


def minutes_text(index: int, items: int) -> str:
    """Minutes number ``index`` (a week apart each) with ``items`` agenda items."""
    head, repeatable, closing = _parts()
    date = dt.date(2016, 3, 16) + dt.timedelta(weeks=index)
    body = BODIES[index % len(BODIES)]
    out = [line.replace("2016-03-16", date.isoformat()) for line in head] + [""]
    blocks = [repeatable[(index + k) % len(repeatable)] for k in range(items)] + closing
    for number, block in enumerate(blocks, start=1):
        for line in block:
            if m := _ITEM.match(line):
                line = f"{m.group(1)} {number}.{m.group(3)} {line[m.end() :]}"
            out.append(line)
    return "\n".join(out).replace("Kommunchefsgruppen", body) + "\n"


def write_docx(text: str, target: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_sample_docx

    elements = make_sample_docx.Converter().convert(text)
    make_sample_docx.save_deterministic(make_sample_docx.build(elements), target)


def pdf_available() -> str | None:
    """Why PDFs cannot be made or read here, or None when they can."""
    from pipeline.backends import BACKENDS

    if "pdf" not in BACKENDS:
        return "no PDF backend registered in pipeline/backends"
    if not shutil.which("soffice"):
        return "LibreOffice (soffice) is not installed"
    return None


def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """Word files to text PDFs, in one soffice call per 50 files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        for start in range(0, len(docx_files), 50):
            batch = docx_files[start : start + 50]
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out_dir),
                    *map(str, batch),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
    return [out_dir / f"{p.stem}.pdf" for p in docx_files]


def build_archive(root: Path, rym: int, docx: int, pdf: int, items: int = 8) -> dict[str, list]:
    """``rym`` + ``docx`` + ``pdf`` distinct minutes under ``root``; returns files by format."""
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {"rym-md": [], "docx": [], "pdf": []}
    for i in range(rym):
        path = root / "rym" / f"{i // 100:02d}" / f"m{i:05d}.rym.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(minutes_text(i, items), encoding="utf-8")
        files["rym-md"].append(path)
    word = root / "docx"
    word.mkdir(exist_ok=True)
    for i in range(docx + pdf):
        target = (word if i < docx else root / ".pdf-src") / f"w{i:05d}.docx"
        target.parent.mkdir(exist_ok=True)
        write_docx(minutes_text(10_000 + i, items), target)
        if i < docx:
            files["docx"].append(target)
    if pdf:
        sources = sorted((root / ".pdf-src").glob("*.docx"))
        files["pdf"] = convert_to_pdf(sources, root / "pdf")
        shutil.rmtree(root / ".pdf-src")
    return files


def long_pdf(root: Path, pages: int, index: int) -> Path:
    """A text PDF of about ``pages`` pages (more agenda items until it has them)."""
    root.mkdir(parents=True, exist_ok=True)
    probe = root / f"probe{index}.docx"
    write_docx(minutes_text(20_000 + index, 14), probe)
    per_item = _page_count(convert_to_pdf([probe], root / "probe")[0]) / 16
    items = max(1, round(pages / per_item) - 2)
    target = root / f"long{pages:03d}.docx"
    write_docx(minutes_text(20_000 + index, items), target)
    pdf = convert_to_pdf([target], root / "long")[0]
    probe.unlink()
    target.unlink()
    shutil.rmtree(root / "probe")
    return pdf


def long_docx(root: Path, pages: int, index: int) -> Path:
    """A Word file with the text of ``pages`` pages' worth of items (when PDF is unavailable)."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"long{pages:03d}.docx"
    write_docx(minutes_text(20_000 + index, max(1, pages)), target)
    return target


def _page_count(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def tiny_text_files(root: Path, count: int) -> Path:
    """``count`` small text files in folders of 1,000: the nightly no-op's archive."""
    for i in range(count):
        folder = root / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note{i:06d}.txt").write_text(f"anteckning {i}\n", encoding="utf-8")
    return root
