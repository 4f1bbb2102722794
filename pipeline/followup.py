"""Action follow-up across meetings: the same task coming back is one action series.

An action that comes back in a later meeting of the same body, for the same responsible
and with a similar task, is linked to its earlier appearances: every appearance gets the
``series_id`` of the first one and its ``series_position`` (1, 2, ...). Meetings on the
same date are never follow-ups of each other (two files of one meeting are not a history).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pipeline.ids import stable_id
from pipeline.reference import fold

SIMILAR = 0.6  # token overlap needed between two task texts with the same responsible
SIMILAR_WITHOUT_RESPONSIBLE = 0.8
_WORD = re.compile(r"\w{3,}")
_MAX_REMEMBERED = 200_000  # ratios kept per run (pairs of texts; about 20 MB)


class _Task:
    """A task text prepared once for many comparisons: its folded words and a matcher
    that has already indexed its characters (difflib indexes the second sequence)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = {fold(w) for w in _WORD.findall(text)}
        self.folded = fold(text)
        self.matcher = difflib.SequenceMatcher(None, b=self.folded)

    def similarity(self, other: _Task, at_least: float = 0.0, ratios: dict | None = None) -> float:
        """:func:`task_similarity`; 0.0 early when it cannot reach ``at_least``. ``ratios``
        remembers difflib's ratios by pair of texts (a task list repeats its texts)."""
        if self.folded == other.folded:
            return 1.0  # carried forward word for word, as action lists mostly are
        union = self.words | other.words
        jaccard = len(self.words & other.words) / len(union) if union else 0.0
        matcher = self.matcher
        matcher.set_seq1(other.folded)
        # difflib's cheap upper bounds of the ratio first: its full computation is the cost
        if jaccard >= at_least:
            if matcher.real_quick_ratio() <= jaccard or matcher.quick_ratio() <= jaccard:
                return jaccard  # the characters cannot beat the words
            return max(jaccard, self._ratio(other, ratios))
        if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
            return 0.0  # most pairs of unrelated tasks stop here
        return max(jaccard, self._ratio(other, ratios))

    def _ratio(self, other: _Task, ratios: dict | None) -> float:
        """difflib's ratio of ``other`` (already the matcher's first sequence) to this task."""
        if ratios is None:
            return self.matcher.ratio()
        key = (self.folded, other.folded)
        ratio = ratios.get(key)
        if ratio is None:
            if len(ratios) >= _MAX_REMEMBERED:
                ratios.clear()
            ratio = ratios[key] = self.matcher.ratio()
        return ratio


@dataclass
class _Series:
    series_id: str
    last_task: _Task
    last_date: object
    length: int


def task_similarity(a: str, b: str) -> float:
    """Overlap of the tasks' words (folded), or their character similarity if higher."""
    return _Task(b).similarity(_Task(a))


def link_action_series(meetings: list[dict], actions: list[dict]) -> None:
    """Fill ``series_id`` and ``series_position`` of every action row in place."""
    by_meeting = {m["meeting_id"]: m for m in meetings}

    def order(action: dict) -> tuple:
        meeting = by_meeting.get(action["meeting_id"], {})
        return (meeting.get("date") is None, meeting.get("date") or 0, action["meeting_id"])

    open_series: dict[tuple[str, str], list[_Series]] = {}
    ratios: dict[tuple[str, str], float] = {}
    for action in sorted(actions, key=order):  # stable: document order within a meeting
        meeting = by_meeting.get(action["meeting_id"], {})
        date = meeting.get("date")
        responsible = action.get("responsible_person_id") or fold(action.get("responsible") or "")
        key = (fold(meeting.get("body") or ""), responsible)
        threshold = SIMILAR if responsible else SIMILAR_WITHOUT_RESPONSIBLE
        best, best_score = None, threshold
        task = _Task(action["task"])
        for series in open_series.get(key, []) if date is not None else []:
            if series.last_date is None or series.last_date >= date:
                continue
            score = series.last_task.similarity(task, at_least=best_score, ratios=ratios)
            if score >= best_score:
                best, best_score = series, score
        if best is None:
            best = _Series(stable_id("s", action["action_id"]), task, date, 0)
            open_series.setdefault(key, []).append(best)
        best.length += 1
        best.last_task, best.last_date = task, date
        action["series_id"] = best.series_id
        action["series_position"] = best.length
