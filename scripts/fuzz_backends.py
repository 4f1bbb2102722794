"""Fuzz the PDF and Word backends with mutated real documents, for as long as you like.

Seeds: every .pdf and .docx under data/raw and tests/fixtures (and the fault corpus).
Each round takes a seed and mutates it:

- bytes: flip, overwrite, insert, delete or duplicate a run of bytes, truncate, splice two
  seeds, write an interesting number ("-1", "99999999999", "NaN", "0") over a number;
- PDF: the same on the object syntax (``/Length``, ``/Count``, ``/MediaBox``, xref offsets,
  ``obj``/``endobj``/``stream`` keywords), decompressed content streams mutated and put back;
- Word: the zip taken apart, one XML part mutated as text (elements deleted, duplicated,
  nested, attribute values replaced by extreme ones, entities and DOCTYPEs inserted), parts
  dropped or swapped, then zipped again.

Each input runs in a worker process under a timeout and an address-space cap, through
format detection and the backend (``read_document``): a ``DocumentError`` is the expected
answer to a broken file; anything else is a finding: another exception, a timeout, a
MemoryError, a crash of the worker. Findings are saved (input + traceback) under --out and
summarised by signature at the end.

Tesseract is not run by default (each OCR page costs a second; pages are still rendered as
for OCR): --ocr runs it.

Usage:
  python scripts/fuzz_backends.py --seconds 600 --workers 2 --out /tmp/fuzz
  python scripts/fuzz_backends.py --exclude '*huge_mediabox*'   # skip a known finding's seed
  python scripts/fuzz_backends.py --replay /tmp/fuzz/findings/<id>.pdf
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [ROOT / "data" / "raw", ROOT / "tests" / "fixtures", ROOT / "tests" / "faults"]
INTERESTING = [
    b"0", b"-1", b"1", b"-2147483649", b"4294967296", b"99999999999999999999", b"1e308",
    b"NaN", b"0.000001", b"-0", b"65535", b"3.4e38", b"", b"()", b"[]", b"<<>>", b"null",
]  # fmt: skip
XML_ATTRIBUTE_VALUES = [
    "-1", "0", "99999999", "4294967296", "NaN", "", "x" * 5000, "%1.%2.%3.%4.%5.%6.%7.%8.%9.",
    "true", "false", "&amp;", "&#0;", "&#x10FFFF;", "\u202e", "page",
]  # fmt: skip


def seeds(exclude: tuple[str, ...] = ()) -> list[Path]:
    found = []
    for folder in SEED_DIRS:
        for path in sorted(folder.rglob("*")):
            if any(path.match(pattern) for pattern in exclude):
                continue
            if path.is_file() and path.suffix.lower() in (".pdf", ".docx"):
                data = path.read_bytes()[:8]
                if data.startswith((b"%PDF", b"PK\x03\x04")) and path.stat().st_size < 5_000_000:
                    found.append(path)
    return found


# -- mutators --------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    if not data:
        return rng.randbytes(rng.randint(1, 64))
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        op = rng.randrange(8)
        i = rng.randrange(len(buf)) if buf else 0
        n = rng.choice([1, 2, 4, 16, 256, 4096])
        if op == 0:  # flip bits
            for k in range(i, min(i + n, len(buf))):
                buf[k] ^= 1 << rng.randrange(8)
        elif op == 1:  # overwrite with random bytes
            buf[i : i + n] = rng.randbytes(min(n, len(buf) - i))
        elif op == 2:  # insert
            buf[i:i] = rng.randbytes(n)
        elif op == 3:  # delete
            del buf[i : i + n]
        elif op == 4:  # duplicate a run
            buf[i:i] = buf[i : i + n] * rng.choice([2, 8, 64])
        elif op == 5:  # truncate
            del buf[rng.randrange(len(buf) + 1) :]
        elif op == 6 and others:  # splice with another seed
            other = rng.choice(others)
            j = rng.randrange(len(other) + 1)
            buf = buf[:i] + bytearray(other[j:])
        else:  # an interesting number over a number
            numbers = list(re.finditer(rb"-?\d+(?:\.\d+)?", bytes(buf[:200_000])))
            if numbers:
                m = rng.choice(numbers)
                buf[m.start() : m.end()] = rng.choice(INTERESTING)
        if not buf:
            break
    return bytes(buf)


_PDF_KEYS = [
    rb"/Length",
    rb"/Count",
    rb"/MediaBox",
    rb"/Kids",
    rb"/Parent",
    rb"/Size",
    rb"/Prev",
    rb"/W",
    rb"/Index",
    rb"/First",
    rb"/N",
    rb"/Font",
    rb"/Widths",
    rb"/FirstChar",
    rb"/Filter",
    rb"/DecodeParms",
    rb"/ToUnicode",
    rb"/Rotate",
]
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


def mutate_pdf(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:  # the value after a key
        key = rng.choice(_PDF_KEYS)
        hits = [m.end() for m in re.finditer(re.escape(key), data)]
        if hits:
            at = rng.choice(hits)
            end = at + rng.randint(1, 24)
            return data[:at] + b" " + rng.choice(INTERESTING) + b" " + data[end:]
    elif choice == 1:  # a keyword removed or doubled
        word = rng.choice([b"endobj", b"endstream", b"stream", b"obj", b"xref", b"trailer", b">>"])
        hits = [m.start() for m in re.finditer(re.escape(word), data)]
        if hits:
            at = rng.choice(hits)
            return data[:at] + (word * rng.choice([0, 2])) + data[at + len(word) :]
    elif choice == 2:  # a decompressed content stream mutated and put back compressed
        streams = list(_STREAM.finditer(data))
        rng.shuffle(streams)
        for m in streams[:5]:
            try:
                plain = zlib.decompress(m.group(1).rstrip(b"\r\n"))
            except zlib.error:
                continue
            changed = zlib.compress(mutate_content(plain, rng))
            return data[: m.start(1)] + changed + b"\n" + data[m.end(1) :]
    elif choice == 3:  # an object's body replaced by a deep or huge one
        bodies = [
            b"[" * 5000 + b"]" * 5000,
            b"<<" * 3000 + b">>" * 3000,
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
            b"(" + b"\\(" * 10000 + b")",
        ]
        objs = [m.end() for m in re.finditer(rb"\d+ 0 obj", data)]
        if objs:
            at = rng.choice(objs)
            return data[:at] + b"\n" + rng.choice(bodies) + b"\n" + data[at:]
    return mutate_bytes(data, rng, others)


def mutate_content(plain: bytes, rng: random.Random) -> bytes:
    ops = [
        b" 1000 1000 Td ",
        b" /F1 0.0001 Tf ",
        b" /F1 100000 Tf ",
        b" 3 Tr ",
        b" q " * 50,
        b" Q " * 50,
        b" (\\000\\377) Tj ",
        b" [(a) -99999999 (b)] TJ ",
        b" 0 0 0 0 0 0 cm ",
        b" BT ",
        b" ET ",
        b" 1e38 1e38 Td ",
        b" /Foo Do ",
        b" BI /W 99999 /H 99999 ID x EI ",
    ]
    buf = bytearray(plain)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(buf) + 1)
        buf[at:at] = rng.choice(ops)
    return bytes(buf)


_ELEMENT = re.compile(
    r"<(w:(?:p|r|t|tbl|tr|tc|pPr|rPr|numPr|ilvl|numId|sectPr|br|lvl|num|"
    r"abstractNum|style|basedOn|pStyle|rStyle|gridSpan|vMerge))\b[^>]*?(?:/>|>)"
)
_ATTRIBUTE = re.compile(r'(w:[A-Za-z]+)="([^"]*)"')


def mutate_docx(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
    except Exception:
        return mutate_bytes(data, rng, others)
    xml = [n for n in parts if n.endswith((".xml", ".rels"))]
    choice = rng.randrange(5)
    if choice == 0 and parts:  # drop a part
        del parts[rng.choice(list(parts))]
    elif choice == 1 and len(xml) >= 2:  # swap two parts' contents
        a, b = rng.sample(xml, 2)
        parts[a], parts[b] = parts[b], parts[a]
    elif xml:
        name = rng.choice([n for n in xml if "document" in n or "numbering" in n] or xml)
        parts[name] = mutate_xml(parts[name].decode("utf-8", "replace"), rng).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    result = out.getvalue()
    return mutate_bytes(result, rng, others) if rng.random() < 0.1 else result


def mutate_xml(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(6)
        elements = list(_ELEMENT.finditer(text))
        if op == 0 and elements:  # delete an opening tag (breaks nesting)
            m = rng.choice(elements)
            text = text[: m.start()] + text[m.end() :]
        elif op == 1 and elements:  # duplicate an element's start many times
            m = rng.choice(elements)
            text = text[: m.start()] + m.group(0) * rng.choice([2, 50, 300]) + text[m.start() :]
        elif op == 2:  # an attribute value replaced
            attrs = list(_ATTRIBUTE.finditer(text))
            if attrs:
                m = rng.choice(attrs)
                value = rng.choice(XML_ATTRIBUTE_VALUES)
                text = text[: m.start(2)] + value + text[m.end(2) :]
        elif op == 3:  # odd characters into text
            ts = [m.end() for m in re.finditer(r"<w:t(?: [^>]*)?>", text)]
            if ts:
                at = rng.choice(ts)
                junk = rng.choice(
                    ["\u0000", "\ufffe", "&#1;", "]]>", "\U0001f600" * 100, "x" * 9999]
                )
                text = text[:at] + junk + text[at:]
        elif op == 4:  # a well-formed but odd structure
            pieces = [
                "<w:tbl>" * 20 + "</w:tbl>" * 20,
                '<w:p><w:pPr><w:numPr><w:ilvl w:val="8"/><w:numId w:val="1"/></w:numPr>'
                "</w:pPr><w:r><w:t>x</w:t></w:r></w:p>",
                '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' * 200,
                '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999"/></w:tcPr><w:p/></w:tc>'
                "</w:tr></w:tbl>",
            ]
            body = text.find("<w:body>")
            if body >= 0:
                at = body + len("<w:body>")
                text = text[:at] + rng.choice(pieces) + text[at:]
        else:
            text = mutate_bytes(text.encode(), rng, []).decode("utf-8", "replace")
    return text


# -- running ---------------------------------------------------------------------------------

_TASK_TIMEOUT_S = 30.0
_MEMORY_MB = 2048


def _worker(conn, ocr: bool, folder: Path) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_MB << 20, _MEMORY_MB << 20))
    sys.setrecursionlimit(10_000)
    from pipeline import ocr as ocr_module
    from pipeline.backends import read_document
    from pipeline.detect import detect_format
    from pipeline.errors import DocumentError

    if not ocr:  # pages are rendered as for OCR; Tesseract itself is skipped
        ocr_module.ocr_pages = lambda pages, *a, **k: [[] for _ in pages]
    while True:
        job = conn.recv()
        if job is None:
            return
        suffix, data = job
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        try:
            fmt = detect_format(path)
            if fmt in ("pdf", "docx"):
                read_document(path, fmt)
                verdict = ("ok", fmt, "")
            else:
                verdict = ("skipped", fmt, "")
        except DocumentError as exc:
            verdict = ("document_error", "", str(exc)[:200])
        except MemoryError:
            verdict = ("memory_error", "", traceback.format_exc())
        except RecursionError:
            verdict = ("recursion_error", "", traceback.format_exc())
        except Exception as exc:
            verdict = ("exception", type(exc).__name__, traceback.format_exc())
        conn.send(verdict)


class Runner:
    def __init__(self, ocr: bool) -> None:
        self.ocr = ocr
        # the inputs are written here; removed on close, also after killed workers
        self.folder = Path(tempfile.mkdtemp(prefix="protokoll-fuzz-"))
        self._start()

    def _start(self) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.get_context("fork").Process(
            target=_worker, args=(child, self.ocr, self.folder)
        )
        self.proc.start()

    def run(self, suffix: str, data: bytes) -> tuple[str, str, str]:
        self.conn.send((suffix, data))
        if not self.conn.poll(_TASK_TIMEOUT_S):
            self.proc.kill()
            self.proc.join()
            self._start()
            return ("timeout", "", f"no answer in {_TASK_TIMEOUT_S:g} s")
        try:
            return self.conn.recv()
        except EOFError:
            self.proc.join()
            code = self.proc.exitcode
            self._start()
            return ("crash", str(code), f"worker died with exit code {code}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        shutil.rmtree(self.folder, ignore_errors=True)


FINDINGS = {"exception", "timeout", "crash", "memory_error", "recursion_error"}


def signature(kind: str, detail: str, trace: str) -> str:
    """Where a finding comes from: its kind, exception and the deepest project frame."""
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\w+)', trace)
    ours = [f"{Path(f).name}:{line}:{func}" for f, line, func in frames if "/pipeline/" in f]
    last_line = trace.strip().splitlines()[-1][:120] if trace.strip() else ""
    return " | ".join(x for x in (kind, detail, ours[-1] if ours else "", last_line) if x)


def fuzz(
    seconds: float, workers: int, out: Path, seed: int, ocr: bool, exclude: tuple[str, ...] = ()
) -> dict:
    corpus = seeds(exclude)
    datas = {p: p.read_bytes() for p in corpus}
    pdfs = [d for p, d in datas.items() if d.startswith(b"%PDF")]
    docxs = [d for p, d in datas.items() if d.startswith(b"PK")]
    rng = random.Random(seed)
    (out / "findings").mkdir(parents=True, exist_ok=True)
    stats: Counter[str] = Counter()
    by_signature: dict[str, dict] = {}
    by_format: dict[str, Counter[str]] = {"pdf": Counter(), "docx": Counter()}
    started = time.monotonic()
    runners = [Runner(ocr) for _ in range(workers)]
    import concurrent.futures as cf

    def one(runner: Runner, round_seed: int) -> tuple[str, bytes, tuple[str, str, str]]:
        local = random.Random(round_seed)
        if local.random() < 0.5 and pdfs:
            data = mutate_pdf(local.choice(pdfs), local, pdfs)
            suffix = ".pdf"
        else:
            data = mutate_docx(local.choice(docxs), local, docxs)
            suffix = ".docx"
        return suffix, data, runner.run(suffix, data)

    try:
        with cf.ThreadPoolExecutor(workers) as pool:
            while time.monotonic() - started < seconds:
                futures = [pool.submit(one, r, rng.randrange(2**63)) for r in runners]
                for future in futures:
                    suffix, data, (kind, detail, trace) = future.result()
                    stats[kind] += 1
                    stats["inputs"] += 1
                    by_format[suffix.lstrip(".")][kind] += 1
                    if kind in FINDINGS:
                        sig = signature(kind, detail, trace)
                        digest = hashlib.sha256(data).hexdigest()[:16]
                        entry = by_signature.setdefault(sig, {"count": 0, "examples": []})
                        entry["count"] += 1
                        if len(entry["examples"]) < 3:
                            sample = out / "findings" / f"{digest}{suffix}"
                            sample.write_bytes(data)
                            (out / "findings" / f"{digest}.txt").write_text(trace)
                            entry["examples"].append(str(sample))
    finally:
        for r in runners:
            r.close()
    elapsed = time.monotonic() - started
    report = {
        "seconds": round(elapsed, 1),
        "seeds": [str(p.relative_to(ROOT)) for p in corpus],
        "inputs": stats["inputs"],
        "inputs_per_second": round(stats["inputs"] / elapsed, 2),
        "outcomes": {k: v for k, v in stats.items() if k != "inputs"},
        "by_format": {f: {"inputs": sum(c.values()), **c} for f, c in by_format.items()},
        "findings": by_signature,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def replay(path: Path, ocr: bool) -> None:
    runner = Runner(ocr)
    try:
        print(runner.run(path.suffix, path.read_bytes()))
    finally:
        runner.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--out", type=Path, default=Path("/tmp/protokoll-fuzz"))
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--ocr", action="store_true", help="run Tesseract on pages that need it")
    parser.add_argument("--replay", type=Path, help="run one saved input and print the verdict")
    parser.add_argument(
        "--exclude", action="append", default=[], help="skip seeds matching this glob"
    )
    args = parser.parse_args()
    if args.replay:
        replay(args.replay, args.ocr)
        return
    report = fuzz(args.seconds, args.workers, args.out, args.seed, args.ocr, tuple(args.exclude))
    print(
        f"{report['inputs']} inputs in {report['seconds']} s "
        f"({report['inputs_per_second']}/s) from {len(report['seeds'])} seeds"
    )
    print("outcomes:", json.dumps(report["outcomes"]))
    for fmt, outcomes in report["by_format"].items():
        print(f"  {fmt}:", json.dumps(outcomes))
    for sig, entry in sorted(report["findings"].items(), key=lambda kv: -kv[1]["count"]):
        print(f"{entry['count']:6d}  {sig}\n        e.g. {entry['examples'][0]}")
    print(f"report: {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
