"""How `sgraph add` scales with the number of references (issue 17: it must be linear).

    python bench/curate_bench.py [--sizes 500,1000,2000,20000] [--runs 3] [--timeout 300]

For each size: a reference list of that many synthetic references in the seed's citation
style, then ``sgraph add FILE --dry-run --format json`` on a copy of the curated data,
in a fresh process, timed end to end (median of --runs).

The references: titles of two to four of the field's own words (safeguarding, review, ...:
shared by thousands of titles) and three to five words of a Zipf-distributed lexicon of 5,000
(as words in real titles are), a year in a third of them; authors drawn from a pool a fifth of
the size, so people recur and are matched against those added earlier in the same file;
organisations and publishers from a small pool. A tenth of the references repeat an earlier
title with a word dropped or a typo, so fuzzy matching finds something. The smallest size is the baseline:
the table gives seconds per 1,000 references and that figure's ratio to the baseline's, which
stays near 1 when `add` is linear. Nothing is written to the data; the files go to a
temporary folder.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "https://learning.nspcc.org.uk/news/2021/may/new-reports-child-safeguarding-reviews-multi-agency-arrangements"

WORDS = [
    "safeguarding",
    "children",
    "practice",
    "review",
    "local",
    "partnership",
    "neglect",
    "exploitation",
    "criminal",
    "sexual",
    "online",
    "harm",
    "domestic",
    "abuse",
    "adolescents",
    "infants",
    "families",
    "schools",
    "health",
    "police",
    "social",
    "care",
    "multi-agency",
    "arrangements",
    "learning",
    "rapid",
    "national",
    "serious",
    "incidents",
    "thematic",
    "analysis",
    "evaluation",
    "outcomes",
    "placement",
    "fostering",
    "residential",
    "kinship",
    "disability",
    "mental",
    "housing",
    "poverty",
    "trauma",
    "contextual",
    "county",
    "lines",
    "missing",
    "education",
    "exclusion",
    "youth",
    "justice",
    "early",
    "help",
    "assessment",
    "thresholds",
    "supervision",
    "workforce",
    "recruitment",
    "retention",
    "leadership",
    "governance",
    "scrutiny",
    "voice",
    "participation",
    "consent",
    "communication",
    "information",
    "sharing",
    "records",
    "transitions",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodriguez",
    "Cox",
    "Alexander",
    "Garden",
    "Campbell",
    "Johnston",
    "Moore",
    "Smyth",
    "Oneill",
    "Doherty",
    "Stewart",
    "Quinn",
    "Murphy",
    "Graham",
    "Mclaughlin",
    "Hamilton",
    "Murray",
    "Hughes",
    "Robertson",
    "Thomson",
    "Scott",
]
ORGS = [
    "Department for Education",
    "Child Safeguarding Practice Review Panel",
    "Ofsted",
    "NSPCC",
    "University of East Anglia",
    "What Works Centre for Children's Social Care",
    "Local Government Association",
    "Research in Practice",
]


def lexicon(rng: random.Random, size: int = 5000) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou")]
    out: set[str] = set()
    while len(out) < size:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(out)


def reference_list(n: int, seed: int = 17) -> str:
    rng = random.Random(seed)
    lex = lexicon(rng)
    weights = [1 / (rank + 1) for rank in range(len(lex))]
    titles: list[tuple[str, int]] = []
    people = [
        f"{rng.choice(SURNAMES)}{i if i >= len(SURNAMES) else ''}, {chr(65 + i % 26)}."
        for i in range(max(5, n // 5))
    ]
    lines = [f"# source: {SOURCE}"]
    for _ in range(n):
        year = 2000 + rng.randrange(25)
        if titles and rng.random() < 0.1:  # an earlier title, slightly changed
            earlier, year = rng.choice(titles)
            ws = earlier.split()
            if len(ws) > 4 and rng.random() < 0.5:
                ws.pop(rng.randrange(1, len(ws)))
            else:
                k = rng.randrange(len(ws))
                ws[k] = ws[k][:-1] + "x" if len(ws[k]) > 3 else ws[k]
            title = " ".join(ws)
        else:
            ws = rng.sample(WORDS, rng.randint(2, 4)) + rng.choices(
                lex, weights, k=rng.randint(3, 5)
            )
            rng.shuffle(ws)
            if rng.random() < 0.33:
                ws.append(str(year))
            title = " ".join(ws).capitalize()
            titles.append((title, year))
        if rng.random() < 0.6:
            authors = rng.sample(people, rng.randint(1, 3))
            who = (
                authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]
            )
        else:
            who = rng.choice(ORGS)
        lines.append(f"{who} ({year}) {title} (PDF). London: {rng.choice(ORGS)}.")
    return "\n".join(lines) + "\n"


def sgraph() -> list[str]:
    script = Path(sys.executable).with_name("sgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sgraph"]


def time_add(refs: Path, data: Path, timeout: float) -> float | None:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*sgraph(), "add", str(refs), "--dry-run", "--format", "json", "--data", str(data)],
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 2):  # 2: some references ambiguous, still a full plan
        raise SystemExit(f"sgraph add failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="500,1000,2000,20000")
    ap.add_argument("--runs", type=int, default=3, help="runs per size (median); 1 above 5,000")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = ap.parse_args()
    sizes = [int(s.replace("k", "000")) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="sgraph-curate-bench-") as tmp:
        data = Path(tmp) / "triples"
        shutil.copytree(ROOT / "data" / "triples", data)
        print(f"{'references':>10}  {'seconds':>8}  {'s / 1,000':>9}  {'ratio':>6}")
        baseline: float | None = None
        for n in sizes:
            refs = Path(tmp) / f"refs-{n}.txt"
            refs.write_text(reference_list(n), encoding="utf-8")
            runs = args.runs if n <= 5000 else 1
            times = [time_add(refs, data, args.timeout) for _ in range(runs)]
            if any(t is None for t in times):
                print(f"{n:>10}  {'>' + format(args.timeout, 'g'):>8}  (did not finish)")
                continue
            median = statistics.median(t for t in times if t is not None)
            per_k = median / n * 1000
            baseline = baseline or per_k
            print(f"{n:>10}  {median:8.1f}  {per_k:9.2f}  {per_k / baseline:6.2f}", flush=True)


if __name__ == "__main__":
    main()
