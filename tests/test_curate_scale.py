"""`sgraph add` is linear in the number of references (issue 17, finding 11).

Not a timed test (machines are shared and noisy; bench/curate_bench.py has the times): it
counts the work matching does. Before the indexes, each reference compared its title with
every publication (and its names with every person) known so far, so the label comparisons
per reference grew with the file; now they must stay flat when the file grows eightfold.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sgraph.config import Settings
from sgraph.curate import names, reconcile
from sgraph.curate.add import plan

LEXICON_SIZE = 3000


def references(n: int, seed: int = 5) -> str:
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    lex = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(LEXICON_SIZE)})
    weights = [1 / (r + 1) for r in range(len(lex))]
    common = ["safeguarding", "children", "review", "practice", "local", "national", "neglect"]
    surnames = ["Smith", "Jones", "Patel", "Khan", "Brown", "Wood", "Hall", "Evans"]
    lines = ["# source: https://example.org/reference-list"]
    for i in range(n):
        title = " ".join(rng.sample(common, 2) + rng.choices(lex, weights, k=4)).capitalize()
        person = f"{rng.choice(surnames)}{i % 50}, {chr(65 + i % 26)}."
        lines.append(f"{person} ({2000 + i % 20}) {title} (PDF). London: Example Press.")
    return "\n".join(lines) + "\n"


def comparisons(tmp_path: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> int:
    counted = {"n": 0}
    real_key, real_ratio = names.label_key, reconcile.fuzz.token_set_ratio

    def label_key(text: str) -> str:
        counted["n"] += 1
        return real_key(text)

    def token_set_ratio(a: str, b: str, **kw: object) -> float:
        counted["n"] += 1
        return float(real_ratio(a, b, **kw))  # type: ignore[arg-type]

    monkeypatch.setattr(reconcile, "label_key", label_key)
    monkeypatch.setattr(reconcile.fuzz, "token_set_ratio", token_set_ratio)
    refs = tmp_path / f"refs-{n}.txt"
    refs.write_text(references(n), encoding="utf-8")
    result = plan(refs, Settings())
    assert len(result.items) == n
    assert sum(i.status == "new" for i in result.items) > n // 2
    return counted["n"]


def test_matching_work_per_reference_does_not_grow_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = 150, 1200
    per_small = comparisons(tmp_path, small, monkeypatch) / small
    per_large = comparisons(tmp_path, large, monkeypatch) / large
    assert per_large < 1.5 * per_small, (per_small, per_large)
