"""A floor under the engine's quality: the development set of ``../shared/devset`` (real news) and
the outsider set of ``tests/quality/evalset`` (articles written by a tester who had not seen the rules).

The figures are those of ``../shared/tools/score_set.py`` (same matching rules, imported from it),
computed in-process on ``load_article`` (what ``python -m bot parse`` prints), so the floor costs
a few seconds, not 30 process starts. It fails when a change loses what the engine reached; raise
the floors when the engine improves. Skipped when the shared folder is not beside the project.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.article import load_article

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEVSET = SHARED / "devset"

EVALSET = Path(__file__).resolve().parent / "evalset"

# Reached on 2026-12-01: devset P 0.96, R 0.92, speaker 0.95, org 1.00; evalset P 0.99, R 0.93,
# speaker 0.95, org 0.99. The floors sit a little below, for slack.
FLOOR = {"precision": 0.95, "recall": 0.91, "speaker": 0.945, "org": 0.98}
EVAL_FLOOR = {"precision": 0.96, "recall": 0.91, "speaker": 0.93, "org": 0.97}


def _scores(folder: Path = DEVSET) -> dict[str, float]:
    sys.path.insert(0, str(SHARED / "tools"))
    try:
        from score_article import normalise, same_name
        from score_set import org_kind
    finally:
        sys.path.pop(0)
    gold_n = found = speaker = org = predicted = wrong = 0
    for gold_file in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        article = load_article(str(folder / "articles" / gold["file"]))
        texts = [normalise(s.text) for s in article.statements]
        keys = [normalise(s["key"]) for s in gold["statements"]] + [normalise(k) for k in gold["optional"]]
        for st in gold["statements"]:
            gold_n += 1
            key = normalise(st["key"])
            hit = next((i for i, t in enumerate(texts) if key in t), None)
            if hit is None:
                continue
            found += 1
            info = gold["speakers"][st["speaker"]]
            got = article.statements[hit]
            speaker += same_name(got.speaker, [st["speaker"], *info["aliases"]])
            org += info["org"] is None or org_kind(got.org) == info["org"]
        predicted += len(texts)
        wrong += sum(1 for t in texts if not any(k in t for k in keys))
        wrong += sum(
            1 for t in texts if len({st["speaker"] for st in gold["statements"] if normalise(st["key"]) in t}) > 1
        )
    return {
        "precision": (predicted - wrong) / predicted,
        "recall": found / gold_n,
        "speaker": speaker / found,
        "org": org / found,
    }


@pytest.mark.skipif(not (DEVSET / "gold").is_dir(), reason="../shared/devset is not beside the project")
def test_the_development_set_stays_above_its_floor() -> None:
    scores = _scores(DEVSET)
    below = {name: round(value, 3) for name, value in scores.items() if value < FLOOR[name]}
    assert not below, f"below the floor {FLOOR}: {below}"


@pytest.mark.skipif(not (SHARED / "tools").is_dir(), reason="../shared/tools (the scorer) is not beside the project")
def test_the_outsider_set_stays_above_its_floor() -> None:
    scores = _scores(EVALSET)
    below = {name: round(value, 3) for name, value in scores.items() if value < EVAL_FLOOR[name]}
    assert not below, f"below the floor {EVAL_FLOOR}: {below}"
