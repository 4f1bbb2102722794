"""The NLP stage's share of end-to-end time on the development gold set (issue 5).

``python bench/nlp_share.py`` times every development document that has a gold file
(``tests/fixtures/dev/`` with ``tests/gold/<name>.gold.json``) twice in this process:

- end to end: detection and parsing (OCR and LibreOffice included, as a run does them),
  then ``extract_tables`` (structure, NLP, normalization);
- the same without the NLP stage on the running text: ``find_mentions`` (the trained NER,
  the ``mentions`` table) and ``add_restored_columns`` (å/ä/ö restoration) replaced by
  no-ops.

The share is (with - without) / with. It prints the share per document and over the whole
set (total time), with and without the parse time: the target of issue 5 is the share of
end-to-end time. Parsing runs once per document (it does not depend on the NLP stage) and is
timed by the clock, since OCR and LibreOffice run in other processes; each extraction runs
``--repeat`` times in this process and counts by its fastest CPU time, which a busy machine
disturbs less than the clock.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = ROOT / "tests" / "fixtures" / "dev"
GOLD = ROOT / "tests" / "gold"


def _best(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="extractions per variant")
    args = parser.parse_args()

    import pipeline.extract as extract
    from pipeline.backends import read_document
    from pipeline.detect import detect_format
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    with_nlp = (extract.find_mentions, extract.add_restored_columns)
    without_nlp = (lambda *args, **kwargs: [], lambda tables: None)

    def extract_with(stage, document) -> None:
        extract.find_mentions, extract.add_restored_columns = stage
        try:
            extract.extract_tables(document, "bench", nlp)
        finally:
            extract.find_mentions, extract.add_restored_columns = with_nlp

    paths = sorted(p for p in DEV.iterdir() if (GOLD / f"{p.name}.gold.json").exists())
    extract.extract_tables(read_document(paths[0], detect_format(paths[0])), "warm", nlp)
    print(f"{'document':48} {'parse':>8} {'extract':>8} {'no NLP':>8} {'NLP':>7} {'share':>6}")
    rows = []
    for path in paths:
        t0 = time.perf_counter()
        document = read_document(path, detect_format(path))
        parse = time.perf_counter() - t0
        full = _best(args.repeat, lambda d=document: extract_with(with_nlp, d))
        bare = _best(args.repeat, lambda d=document: extract_with(without_nlp, d))
        nlp_s = max(full - bare, 0.0)
        rows.append((parse, full, bare, nlp_s))
        print(
            f"{path.name:48} {parse * 1000:6.0f}ms {full * 1000:6.1f}ms {bare * 1000:6.1f}ms "
            f"{nlp_s * 1000:5.1f}ms {nlp_s / (parse + full):6.1%}"
        )
    parse, full, bare, nlp_s = (sum(column) for column in zip(*rows, strict=True))
    print(
        f"\nNLP stage share of end-to-end time (parse + extract), whole set: "
        f"{nlp_s / (parse + full):.1%} ({nlp_s * 1000:.0f} ms of {(parse + full) * 1000:.0f} ms)"
    )
    print(
        "  per document: median "
        f"{statistics.median(r[3] / (r[0] + r[1]) for r in rows):.1%}, "
        f"mean {statistics.mean(r[3] / (r[0] + r[1]) for r in rows):.1%}"
    )
    print(
        f"NLP stage share of extraction alone (structure + NLP, as from the parse cache): "
        f"{nlp_s / full:.1%} ({nlp_s * 1000:.0f} ms of {full * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
