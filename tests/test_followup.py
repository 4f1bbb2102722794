"""Action series across meetings, and decision types."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_RYM
from hypothesis import given
from hypothesis import strategies as st

from pipeline.followup import link_action_series, task_similarity
from pipeline.normalize.decision_types import decision_type
from pipeline.run import run


def test_an_action_coming_back_next_meeting_joins_its_series(tmp_path, nlp):
    text = SAMPLE_RYM.read_text(encoding="utf-8")
    later = text.replace("\n2016-03-16\n", "\n2016-04-27\n", 1)
    later = later.replace("Bjud in AF till nästa kommunchefsmöte", "Boka lokal för KS-dagen")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a_2016-03-16.rym.md").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b_2016-04-27.rym.md").write_text(later, encoding="utf-8")
    summary = run([tmp_path / "in"], tmp_path / "out", nlp=nlp)
    first, second = (r.tables["actions"] for r in summary.results)
    assert [a["series_position"] for a in first] == [1] * 34
    by_task = {a["task"]: a for a in second}
    came_back = by_task["Ta fram underlag för beslut om medfinansiering för UR-nära."]
    assert came_back["series_position"] == 2
    assert came_back["series_id"] == first[0]["series_id"]
    assert by_task["Boka lokal för KS-dagen"]["series_position"] == 1
    assert sum(a["series_position"] == 2 for a in second) == 33


def test_same_day_documents_are_not_a_history():
    meetings = [
        {"meeting_id": "m1", "date": "2016-03-16", "body": "Kommunchefsgruppen"},
        {"meeting_id": "m2", "date": "2016-03-16", "body": "Kommunchefsgruppen"},
    ]
    actions = [
        {
            "action_id": f"a{i}",
            "meeting_id": m,
            "task": "Skicka ut inbjudan!",
            "responsible_person_id": "p1",
        }
        for i, m in enumerate(["m1", "m2"])
    ]
    link_action_series(meetings, actions)
    assert [a["series_position"] for a in actions] == [1, 1]
    assert actions[0]["series_id"] != actions[1]["series_id"]


def test_task_similarity_folds_diacritics():
    assert task_similarity("Utse kontaktperson berakning", "Utse kontaktperson beräkning") == 1.0
    assert task_similarity("Skicka ut inbjudan!", "Bjud in AF till nästa möte") < 0.6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lisa Andersson Lindberg uppdras skriva fram ett gemensamt underlag.", "assign"),
        ("Kommunchefsgruppen beslutar föreslå till nämnden att ...", "propose"),
        ("Kommunchefsgruppen beslutar avslå ansökan om ökat driftbidrag.", "reject"),
        ("Kommunstyrelsen beslutar att godkänna årsredovisningen.", "approve"),
        ("Ärendet återremitteras till förvaltningen.", "defer"),
        ("Informationen läggs till handlingarna.", "note"),
        ("Kommunchefsgruppen beslutar att bjuda in AF till nästa kommunchefsmöte.", "other"),
        ("Nämnden utser Anna Berg till justerare.", "elect"),
        ("Arendet aterremitteras och forslaget avslas.", "defer"),
    ],
)
def test_decision_types(text, expected):
    assert decision_type(text) == expected


@given(
    a=st.text(alphabet="abcåö ktuvxy", max_size=40),
    b=st.text(alphabet="abcåö ktuvxy", max_size=40),
    at_least=st.sampled_from([0.0, 0.3, 0.6, 0.8, 1.0]),
)
def test_task_similarity_with_its_shortcuts_is_the_plain_definition(a, b, at_least):
    """The early exits (identical texts, difflib's upper bounds, remembered ratios) give
    what the definition gives wherever the result can matter (at or above ``at_least``)."""
    import difflib

    from pipeline.followup import _WORD, _Task
    from pipeline.reference import fold

    words_a, words_b = ({fold(w) for w in _WORD.findall(t)} for t in (a, b))
    union = words_a | words_b
    jaccard = len(words_a & words_b) / len(union) if union else 0.0
    plain = max(jaccard, difflib.SequenceMatcher(None, fold(b), fold(a)).ratio())
    ratios: dict = {}
    for _ in range(2):  # the second time from the remembered ratio
        got = _Task(a).similarity(_Task(b), at_least, ratios)
        assert (got >= at_least) == (plain >= at_least)
        if plain >= at_least:
            assert got == plain
