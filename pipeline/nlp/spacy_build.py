"""Whether the installed spaCy was compiled with Cython's profiling hooks, which make its NER
three times slower.

spaCy's wheels for Python 3.11 and older are compiled with Cython's ``profile`` directive.
Every compiled function then asks whether a profiler is attached, and one that runs without
the GIL (the NER's transition loop calls several per token: ``StateC.B``, ``safe_get``,
``is_valid``) must take the GIL to ask. Measured here on the NER: 19 µs per token with the
hooks, 6.5 µs without, the same entities. Nothing at run time can switch the hooks off;
``scripts/setup.sh`` rebuilds spaCy from its source release with them compiled out
(``-DCYTHON_PROFILE=0``) when :func:`profiling_hooks` finds them. Python 3.12 and newer get
wheels without them.

``python -m pipeline.nlp.spacy_build`` exits 1 and says so when the hooks are there.
"""

from __future__ import annotations

import sys
from types import FrameType


def profiling_hooks() -> bool:
    """True when spaCy's compiled code reports its calls to a profiler (a hooked build)."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    doc = Doc(Vocab(), words=["ett", "ord"])
    compiled_calls: list[str] = []

    def profiler(frame: FrameType, event: str, arg: object) -> None:
        # A hooked build reports its functions with their Cython source as the file name.
        if event == "call" and frame.f_code.co_filename.endswith((".pyx", ".pxd")):
            compiled_calls.append(frame.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        doc.to_array(["ORTH"])  # a compiled method of Doc
    finally:
        sys.setprofile(previous)
    return bool(compiled_calls)


def notice() -> str | None:
    """What to tell an operator when the hooks are there (the run report's ``notices``)."""
    if not profiling_hooks():
        return None
    import spacy

    return (
        f"spaCy {spacy.__version__} has Cython's profiling hooks compiled in: its NER runs "
        "about 3x slower than it can. scripts/setup.sh rebuilds it without them."
    )


def main() -> int:
    import spacy

    if message := notice():
        print(message)
        return 1
    print(f"spaCy {spacy.__version__}: compiled without profiling hooks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
