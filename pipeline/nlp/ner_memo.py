"""The trained NER's results, remembered per text so that re-extraction can skip it.

The NER is the costliest step of extraction (about two thirds of a document's time once it
is parsed), and its result depends only on the text and the model: the components before it
(the sentencizer and the entity ruler) read the text alone. So when a nightly run
re-extracts an archive because the structure or extraction rules changed, the NER would
compute exactly what it computed last time. :func:`ner_memo` makes :func:`pipeline.nlp.tag`
take the entities of a text it has seen from a memo instead, and record the ones it computes;
:class:`pipeline.cache.NerCache` keeps one memo per document next to the document cache, under
the NER's own version (:func:`pipeline.fingerprint.ner_version`), so a retrained model, a
tokenizer change or another spaCy computes everything again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from spacy.tokens import Doc, Span

# text -> the entities after the NER: (start token, end token, label, kb_id, ent_id)
Entities = tuple[tuple[int, int, str, str, str], ...]

_ACTIVE: ContextVar[NerMemo | None] = ContextVar("ner_memo", default=None)


class NerMemo:
    """Entities by text for one document: what was given, what was reused and added."""

    def __init__(self, entries: dict[str, Entities] | None = None) -> None:
        self.entries: dict[str, Entities] = dict(entries or {})
        self.used: set[str] = set()
        self.added = 0
        self.reused = 0

    @property
    def changed(self) -> bool:
        """Whether the memo to store differs from the one given (new texts, or old ones the
        document no longer has: a structure change can cut its texts differently)."""
        return bool(self.added) or len(self.used) < len(self.entries)

    def to_store(self) -> dict[str, Entities]:
        return {text: self.entries[text] for text in self.used}

    def restore(self, doc: Doc) -> bool:
        """Set the remembered entities on ``doc``; False when the text is new."""
        found = self.entries.get(doc.text)
        if found is None:
            return False
        doc.ents = [
            Span(doc, start, end, label=label, kb_id=kb_id, span_id=ent_id)
            for start, end, label, kb_id, ent_id in found
        ]
        self.used.add(doc.text)
        self.reused += 1
        return True

    def record(self, doc: Doc) -> None:
        self.entries[doc.text] = tuple(
            (e.start, e.end, e.label_, e.kb_id_, e.id_) for e in doc.ents
        )
        self.used.add(doc.text)
        self.added += 1


@contextlib.contextmanager
def ner_memo(entries: dict[str, Entities] | None = None) -> Iterator[NerMemo]:
    """Within the block the NER reuses ``entries`` and records what it computes."""
    memo = NerMemo(entries)
    token = _ACTIVE.set(memo)
    try:
        yield memo
    finally:
        _ACTIVE.reset(token)


def run_ner(ner: Callable, docs: list[Doc], batch_size: int = 64) -> list[Doc]:
    """The NER over ``docs`` (in place), through the active memo if there is one."""
    memo = _ACTIVE.get()
    todo = docs if memo is None else [doc for doc in docs if not memo.restore(doc)]
    if len(todo) > 1:
        done = list(ner.pipe(todo, batch_size=batch_size))
    else:
        done = [ner(doc) for doc in todo]
    if memo is None:
        return done
    for doc in done:
        memo.record(doc)
    by_id = {id(doc): doc for doc in done}
    return [by_id.get(id(doc), doc) for doc in docs]
