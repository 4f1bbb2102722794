"""`protokoll eval`: scores against hand-written gold, and scores that drop when wrong."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from conftest import GOLD

from pipeline.cli import main
from pipeline.evaluate import evaluate


def test_gold_scores_perfect_on_the_sample(sample_run, tmp_path):
    _, _, out = sample_run
    for name in ("kommunchefsmote_2016-03-16.rym.md", "kommunchefsmote_2016-03-16.docx"):
        shutil.copy(GOLD / f"{name}.gold.json", tmp_path)
    result = evaluate(tmp_path, out)
    assert result.missing_documents == []
    assert set(result.per_document) == {
        "kommunchefsmote_2016-03-16.rym.md",
        "kommunchefsmote_2016-03-16.docx",
    }
    for table, score in result.overall.items():
        assert score.f1 == 1.0, (table, score.missed, score.spurious)
    assert result.overall["actions"].gold == 68


def test_a_wrong_gold_record_lowers_precision_and_recall(sample_run, tmp_path):
    _, _, out = sample_run
    gold = json.loads((GOLD / "kommunchefsmote_2016-03-16.rym.md.gold.json").read_text())
    gold["actions"][0]["due"] = "2016-06-11"
    gold["attendees"] = gold["attendees"][:-1]
    (tmp_path / "x.gold.json").write_text(json.dumps(gold, ensure_ascii=False))
    result = evaluate(tmp_path, out)
    actions = result.overall["actions"]
    assert (actions.true_positives, actions.gold, actions.extracted) == (33, 34, 34)
    assert round(actions.f1, 4) == round(33 / 34, 4)
    attendees = result.overall["attendees"]
    assert attendees.recall == 1.0 and attendees.precision == 7 / 8


def test_cli_eval_prints_f1_per_table(sample_run, tmp_path):
    _, _, out = sample_run
    shutil.copy(GOLD / "kommunchefsmote_2016-03-16.rym.md.gold.json", tmp_path)
    result = CliRunner().invoke(main, ["eval", str(tmp_path), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["overall"]["decisions"] == {
        "gold": 13,
        "extracted": 13,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }


def test_cli_eval_without_tables_says_so(tmp_path):
    result = CliRunner().invoke(main, ["eval", str(GOLD), "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "run `protokoll run` first" in result.output
