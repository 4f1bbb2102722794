"""NER scores on a hand-annotated set: precision, recall and F1, overall and per label.

An entity counts as found when its label and its character span match the annotation. A
period that ends a span is not compared ("Viktor S." = "Viktor S", "17 nov." = "17 nov"):
Swedish writes one period for an abbreviation and the full stop, and the tokenizer gives it
to the sentence when the sentence ends there. Labels the NER does not learn (ROLE, from the
entity ruler) are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language

from pipeline.nlp.train import LABELS, Example


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    errors: list[tuple[str, list, list]] = field(default_factory=list)
    sentences: int = 0

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> dict:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "n": tp + fn}

    @property
    def f1(self) -> float:
        return self._prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))["f"]

    def as_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            **self._prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())),
            "per_label": {
                label: self._prf(self.tp[label], self.fp[label], self.fn[label]) for label in LABELS
            },
        }


REFERENCE_DATE = dt.date(2020, 1, 1)


def _key(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    while end > start and text[end - 1] in ". ":
        end -= 1
    return start, end, label


def predict(nlp: Language, text: str, only_ner: bool = False) -> list[tuple[int, int, str]]:
    """The PERSON/ORG/LOC/DATE entities of ``text`` as character spans."""
    from pipeline.nlp import NER, tag

    if only_ner:
        doc = nlp.get_pipe(NER)(nlp.make_doc(text))
    else:
        # any meeting date will do: it only gives yearless dates ("17 juni") their year
        doc = tag(nlp, text, REFERENCE_DATE, ner=NER in nlp.pipe_names)
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]


def _show(text: str, spans: set[tuple[int, int, str]]) -> list[tuple[str, str]]:
    return sorted((text[s:e], label) for s, e, label in spans)


def evaluate_ner(nlp: Language, examples: list[Example], only_ner: bool = False) -> Scores:
    scores = Scores()
    for example in examples:
        gold = {_key(example.text, *e) for e in example.ents}
        found = {_key(example.text, *e) for e in predict(nlp, example.text, only_ner)}
        for _, _, label in gold & found:
            scores.tp[label] += 1
        for _, _, label in found - gold:
            scores.fp[label] += 1
        for _, _, label in gold - found:
            scores.fn[label] += 1
        if gold != found:
            scores.errors.append(
                (example.text, _show(example.text, gold - found), _show(example.text, found - gold))
            )
    scores.sentences = len(examples)
    return scores
