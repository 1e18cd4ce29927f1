"""Synthetic data at scale: a realistic, valid, deterministic data set in the sgraph model.

``generate(triples=N, seed=S, out=DIR)`` writes Turtle files into ``DIR`` (one or more per kind,
in the curated files' layout) that together hold about ``N`` triples (the last entity written
overshoots by at most a few triples). The data follows docs/model.md and meets the SHACL shapes:

* sources (``sg:Source``) that every entity cites with ``dcterms:source``;
* a few Acts (legislation.gov.uk identifier IRIs), calendar-year periods;
* the practice-theme and review-topic schemes with their concepts;
* organisations (departments, universities, health bodies, research centres, units, panels,
  partnerships), people affiliated with them, dated chair/member/minister memberships;
* reviews (national, local, rapid, independent) with dates, commissioners and topics;
* publications (reports, annual reports, letters, government responses, guidance ...) with
  authors, publishers, dates, citations of earlier publications and responses issued after what
  they answer.

The same ``(triples, seed)`` always gives byte-identical files. Everything is plain string
writing (no rdflib), so 10 million triples take about a minute of CPU per few million triples.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from sgraph.errors import InputError
from sgraph.io import staged_dir

Progress = Callable[[str], None]

MIN_TRIPLES = 1_000
MAX_TRIPLES = 50_000_000
#: Triples per file before a kind rolls over into its next part file.
PART_TRIPLES = 500_000
MANIFEST = "synth.json"
#: Bumped whenever the generator's output changes (so cached data sets are regenerated).
GENERATOR_VERSION = 3

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sg": "https://w3id.org/sgraph/ontology#",
    "sgcon": "https://w3id.org/sgraph/id/concept/",
    "sgmem": "https://w3id.org/sgraph/id/membership/",
    "sgorg": "https://w3id.org/sgraph/id/organisation/",
    "sgper": "https://w3id.org/sgraph/id/person/",
    "sgprd": "https://w3id.org/sgraph/id/period/",
    "sgpub": "https://w3id.org/sgraph/id/publication/",
    "sgrev": "https://w3id.org/sgraph/id/review/",
    "sgsch": "https://w3id.org/sgraph/id/scheme/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

FIRST_YEAR = 2000
LAST_YEAR = 2025
_EPOCH = date(FIRST_YEAR, 1, 1)
_SPAN_DAYS = (date(LAST_YEAR, 12, 31) - _EPOCH).days + 1

PLACES = [
    "Barnford",
    "Bexley",
    "Bramley",
    "Calderdale",
    "Camden",
    "Carlton",
    "Dorset",
    "Durham",
    "Enfield",
    "Exeter",
    "Gateshead",
    "Halton",
    "Harrow",
    "Hartlepool",
    "Haringey",
    "Kirklees",
    "Lambeth",
    "Leeds",
    "Lewisham",
    "Luton",
    "Medway",
    "Merton",
    "Newham",
    "Norfolk",
    "Oldham",
    "Plymouth",
    "Redbridge",
    "Rochdale",
    "Salford",
    "Sefton",
    "Sheffield",
    "Slough",
    "Solihull",
    "Southwark",
    "Stockport",
    "Suffolk",
    "Sutton",
    "Swindon",
    "Tameside",
    "Thurrock",
    "Torbay",
    "Trafford",
    "Wakefield",
    "Walsall",
    "Wandsworth",
    "Wigan",
    "Wirral",
    "Wokingham",
    "Worcester",
    "York",
]
FIRST_NAMES = [
    "Aisha",
    "Alan",
    "Alex",
    "Alison",
    "Amir",
    "Anna",
    "Annie",
    "Ben",
    "Carol",
    "Chloe",
    "Dale",
    "Daniel",
    "David",
    "Edward",
    "Ella",
    "Emma",
    "Farah",
    "Grace",
    "Hannah",
    "Harry",
    "Isaac",
    "Jack",
    "Jane",
    "Jenny",
    "Joanna",
    "John",
    "Julie",
    "Karen",
    "Kate",
    "Leah",
    "Liam",
    "Lucy",
    "Mark",
    "Mary",
    "Mohammed",
    "Nadia",
    "Nathan",
    "Nina",
    "Omar",
    "Owen",
    "Paul",
    "Penny",
    "Priya",
    "Rachel",
    "Ravi",
    "Ruth",
    "Sam",
    "Sara",
    "Simon",
    "Sophie",
    "Tom",
    "Vicky",
    "Wendy",
    "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Bennett",
    "Brown",
    "Carter",
    "Clarke",
    "Cooper",
    "Davies",
    "Dickens",
    "Edwards",
    "Evans",
    "Fisher",
    "Green",
    "Hall",
    "Harris",
    "Hudson",
    "Hughes",
    "Jackson",
    "James",
    "Jones",
    "Khan",
    "Lee",
    "Lewis",
    "Martin",
    "Morgan",
    "Morris",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Scott",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
THEMES = (
    "neglect",
    "domestic abuse",
    "parental mental health",
    "substance misuse",
    "child criminal exploitation",
    "child sexual exploitation",
    "online harm",
    "bruising in infants",
    "safe sleep",
    "adolescent risk",
    "information sharing",
    "professional curiosity",
    "multi-agency working",
    "escalation",
    "early help",
    "disabled children",
    "private fostering",
    "home education",
    "racial identity",
    "male carers",
    "thresholds",
    "supervision",
    "voice of the child",
    "transitions to adulthood",
    "missing children",
    "peer abuse",
)
TOPICS = (
    "sudden unexpected death in infancy",
    "non-accidental injury",
    "intrafamilial sexual abuse",
    "criminal exploitation",
    "child deaths",
    "serious youth violence",
    "residential settings",
    "chronic neglect",
    "suicide in adolescence",
    "harm outside the home",
    "child homicide",
    "fabricated illness",
    "children in care",
    "children with complex needs",
)
DEPARTMENTS = (
    "Department for Education",
    "Department of Health and Social Care",
    "Home Office",
    "Ministry of Justice",
    "Department for Work and Pensions",
    "Cabinet Office",
    "Department for Levelling Up, Housing and Communities",
    "HM Treasury Office",
    "Department for Digital, Culture, Media and Sport",
    "Department for Science, Innovation and Technology",
)
TITLE_LEADS = (
    "Learning from",
    "Safeguarding children and",
    "A review of",
    "Improving practice on",
    "Lessons about",
    "Working together on",
    "Protecting children from",
    "Understanding",
)

Kind = str  # publication, review, organisation, person, membership, concept, scheme, period


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-' (the model's slug rule)."""
    out = []
    word = []
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return "-".join(out)


def _day(d: int) -> str:
    return (_EPOCH + timedelta(days=d)).isoformat()


def _date_literal(d: int, precision: str) -> str:
    iso = _day(d)
    if precision == "date":
        return f'"{iso}"^^xsd:date'
    if precision == "month":
        return f'"{iso[:7]}"^^xsd:gYearMonth'
    return f'"{iso[:4]}"^^xsd:gYear'


@dataclass
class SynthResult:
    out_dir: Path
    triples: int
    target: int
    seed: int
    files: list[str]
    counts: dict[str, int]

    def summary(self) -> str:
        diff = self.triples - self.target
        lines = [
            f"Wrote {self.triples} triples ({diff:+d} against the {self.target} asked for, "
            f"{100 * diff / self.target:+.3f}%) into {self.out_dir}/ (seed {self.seed})",
            "Entities:",
        ]
        lines += [f"  {n:9d}  {k}" for k, n in sorted(self.counts.items())]
        lines.append(f"Files: {len(self.files)}")
        return "\n".join(lines)


@dataclass
class _Part:
    handle: TextIO
    name: str
    triples: int = 0


_OBJ_SEP = " ,\n        "


class _Writer:
    """Stream Turtle blocks into ``{kind}.ttl`` files (``{kind}-0001.ttl`` ... when split)."""

    def __init__(self, folder: Path, target: int, progress: Progress | None) -> None:
        self.folder = folder
        self.target = target
        self.progress = progress
        self.total = 0
        self.files: list[str] = []
        self._open: dict[str, _Part] = {}
        self._parts: dict[str, int] = {}
        self._next_report = max(1, target // 10)
        self._split: set[str] = set()

    def expect_split(self, kind: str) -> None:
        self._split.add(kind)

    def _part(self, kind: str) -> _Part:
        part = self._open.get(kind)
        if part is not None and part.triples < PART_TRIPLES:
            return part
        if part is not None:
            part.handle.close()
        n = self._parts.get(kind, 0) + 1
        self._parts[kind] = n
        name = f"{kind}-{n:04d}.ttl" if kind in self._split else f"{kind}.ttl"
        handle = open(self.folder / name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        handle.write(f"# Synthetic sgraph data ({kind}), written by `sgraph synth`. Not real.\n")
        for pfx, ns in PREFIXES.items():
            handle.write(f"@prefix {pfx}: <{ns}> .\n")
        part = _Part(handle, name)
        self._open[kind] = part
        self.files.append(name)
        return part

    def block(
        self, kind: str, subject: str, comment: str, pairs: list[tuple[str, list[str]]]
    ) -> None:
        """One entity: ``subject`` with (predicate, objects) pairs, ``a`` first."""
        part = self._part(kind)
        lines = [f"\n# {comment}\n{subject}\n"]
        n = 0
        last = len(pairs) - 1
        for i, (pred, objs) in enumerate(pairs):
            end = " ." if i == last else " ;"
            lines.append(f"    {pred} {_OBJ_SEP.join(objs)}{end}\n")
            n += len(objs)
        part.handle.write("".join(lines))
        part.triples += n
        self.total += n
        if self.progress is not None and self.total >= self._next_report:
            pct = min(100, 100 * self.total // self.target)
            self.progress(f"synth: {self.total} triples ({pct}%)")
            while self._next_report <= self.total:
                self._next_report += max(1, self.target // 10)

    def close(self) -> None:
        for part in self._open.values():
            part.handle.close()
        self._open.clear()


@dataclass
class _Plan:
    sources: int
    concepts: int
    organisations: int
    people: int
    memberships: int
    reviews: int
    publications: int  # an estimate: publications are written until the target is reached
    counts: dict[str, int] = field(default_factory=dict)


def plan(triples: int) -> _Plan:
    """How many entities of each kind, from the target triple count."""
    return _Plan(
        sources=max(40, triples // 2000),
        concepts=max(len(THEMES) + len(TOPICS), triples // 20_000),
        organisations=max(30, triples // 400),
        people=max(60, triples // 50),
        memberships=max(40, triples // 60),
        reviews=max(20, triples // 150),
        publications=max(50, int(triples * 0.74 / 13)),
    )


def generate(
    triples: int,
    out: Path,
    seed: int = 1,
    progress: Progress | None = None,
) -> SynthResult:
    """Write about ``triples`` triples of synthetic data into the folder ``out``.

    ``out`` must not exist, be empty, or hold an earlier ``sgraph synth`` output (it is then
    replaced as a whole). Files are written into a temporary folder beside it and renamed at the
    end, so a failure leaves ``out`` as it was.
    """
    if not MIN_TRIPLES <= triples <= MAX_TRIPLES:
        raise InputError(
            f"--triples {triples}: must be between {MIN_TRIPLES} and {MAX_TRIPLES}",
            hint="for example --triples 100000 (suffixes k and m also work: 100k, 1m)",
        )
    out = Path(out)
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())
    ):
        raise InputError(
            f"{out}: exists and is not an earlier `sgraph synth` output folder",
            hint="choose a new --out folder (synth replaces only its own output)",
        )
    with staged_dir(out, keep_others=False) as stage:
        result = _generate(triples, stage, seed, progress)
    result.out_dir = out
    return result


def _generate(target: int, folder: Path, seed: int, progress: Progress | None) -> SynthResult:
    rng = random.Random(seed)
    p = plan(target)
    w = _Writer(folder, target, progress)
    for kind in ("people", "memberships", "reviews", "publications"):
        if target >= PART_TRIPLES // 2:
            w.expect_split(kind)
    counts: dict[str, int] = {}
    try:
        sources = _sources(w, rng, p.sources)
        counts["source"] = len(sources)

        def src() -> list[str]:
            k = 1 if rng.random() < 0.7 else 2
            return sorted({sources[rng.randrange(len(sources))] for _ in range(k)})

        acts = _acts(w, src)
        counts["act"] = len(acts)
        periods = _periods(w, src)
        counts["period"] = len(periods)
        themes, topics = _concepts(w, rng, src, p.concepts)
        kinds = _publication_kinds(w, src)
        counts["concept"] = len(themes) + len(topics) + kinds
        orgs = _organisations(w, rng, src, acts, p.organisations)
        counts["organisation"] = len(orgs.all)
        people = _people(w, rng, src, orgs, p.people)
        counts["person"] = len(people)
        counts["membership"] = _memberships(w, rng, src, people, orgs, p.memberships)
        reviews = _reviews(w, rng, src, people, orgs, themes, topics, p.reviews)
        counts["review"] = sum(len(v) for v in reviews.values())
        counts["publication"] = _publications(
            w,
            rng,
            src,
            people,
            orgs,
            reviews,
            themes,
            topics,
            acts,
            periods,
            p.publications,
            target,
        )
    finally:
        w.close()
    manifest = {
        "generator": "sgraph synth",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "target_triples": target,
        "triples": w.total,
        "counts": counts,
        "files": sorted(w.files),
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return SynthResult(folder, w.total, target, seed, sorted(w.files), counts)


# -- kinds -----------------------------------------------------------------------------------


def _lit(text: str) -> str:
    return f'"{text}"'


def _en(text: str) -> str:
    return f'"{text}"@en'


def _sources(w: _Writer, rng: random.Random, n: int) -> list[str]:
    hosts = (
        "safeguarding.example.org",
        "reviews.example.org",
        "news.example.net",
        "lscp.example.gov",
    )
    out = []
    for i in range(1, n + 1):
        host = hosts[i % len(hosts)]
        iri = f"<https://{host}/pages/{i:06d}>"
        theme = THEMES[rng.randrange(len(THEMES))]
        w.block(
            "sources",
            iri,
            f"Synthetic source page {i}",
            [
                ("a", ["sg:Source"]),
                ("dcterms:title", [_en(f"Synthetic page {i} on {theme}")]),
                (
                    "rdfs:comment",
                    [_en(f"Synthetic source page used for generated facts about {theme}.")],
                ),
            ],
        )
        out.append(iri)
    return out


def _acts(w: _Writer, src: Callable[[], list[str]]) -> list[str]:
    out = []
    for i in range(20):
        year = 1989 + i
        number = 10 + (i * 7) % 40
        iri = f"<http://www.legislation.gov.uk/id/ukpga/{year}/{number}>"
        w.block(
            "legislation",
            iri,
            f"Synthetic Act {year}",
            [
                ("a", ["sg:Act"]),
                ("dcterms:title", [_en(f"Children and Families (Synthetic) Act {year}")]),
                ("dcterms:identifier", [_lit(f"{year} c. {number}")]),
                ("sg:enactedOn", [f'"{year}-0{1 + i % 9}-1{i % 9}"^^xsd:date']),
                ("dcterms:source", src()),
            ],
        )
        out.append(iri)
    return out


def _periods(w: _Writer, src: Callable[[], list[str]]) -> dict[int, str]:
    out = {}
    for year in range(FIRST_YEAR - 1, LAST_YEAR + 1):
        iri = f"sgprd:{year}"
        w.block(
            "periods",
            iri,
            f"Calendar year {year}",
            [
                ("a", ["sg:Period"]),
                ("dcterms:title", [_en(f"1 January to 31 December {year}")]),
                ("sg:startDate", [f'"{year}-01-01"^^xsd:date']),
                ("sg:endDate", [f'"{year}-12-31"^^xsd:date']),
                ("dcterms:source", src()),
            ],
        )
        out[year] = iri
    return out


def _scheme(w: _Writer, src: Callable[[], list[str]], iri: str, label: str) -> None:
    w.block(
        "concepts",
        iri,
        f"Scheme: {label.lower()}",
        [
            ("a", ["skos:ConceptScheme"]),
            ("skos:prefLabel", [_en(label)]),
            ("dcterms:source", src()),
        ],
    )


def _concepts(
    w: _Writer, rng: random.Random, src: Callable[[], list[str]], n: int
) -> tuple[list[str], list[str]]:
    _scheme(w, src, "sgsch:practice-themes", "Practice themes")
    _scheme(w, src, "sgsch:review-topics", "Review topics")
    themes: list[str] = []
    topics: list[str] = []
    for i in range(n):
        is_theme = i % 2 == 0
        words = THEMES if is_theme else TOPICS
        base = words[(i // 2) % len(words)]
        round_ = (i // 2) // len(words)
        label = base if round_ == 0 else f"{base} {round_ + 1}"
        iri = f"sgcon:{slugify(label)}" if is_theme else f"sgcon:topic-{slugify(label)}"
        scheme = "sgsch:practice-themes" if is_theme else "sgsch:review-topics"
        pairs = [
            ("a", ["sg:PracticeTheme" if is_theme else "sg:ReviewTopic"]),
            ("skos:prefLabel", [_en(label)]),
            ("skos:inScheme", [scheme]),
        ]
        if round_ == 0:
            pairs.append(("skos:topConceptOf", [scheme]))
        pairs.append(("dcterms:source", src()))
        w.block(
            "concepts", iri, ("Practice theme: " if is_theme else "Review topic: ") + label, pairs
        )
        (themes if is_theme else topics).append(iri)
    return themes, topics


def _publication_kinds(w: _Writer, src: Callable[[], list[str]]) -> int:
    """The publication-kinds scheme: one concept per generated class (the build's dcterms:type)."""
    _scheme(w, src, "sgsch:publication-kinds", "Publication kinds")
    classes = sorted({c for kinds, _word, _share in _PUB_KINDS for c in kinds})
    for cls in classes:
        label = re.sub(r"(?<!^)(?=[A-Z])", " ", cls.split(":", 1)[1]).lower()
        w.block(
            "concepts",
            f"sgcon:kind-{slugify(label)}",
            f"Publication kind: {label}",
            [
                ("a", ["skos:Concept"]),
                ("skos:prefLabel", [_en(label)]),
                ("sg:publicationClass", [cls]),
                ("skos:inScheme", ["sgsch:publication-kinds"]),
                ("skos:topConceptOf", ["sgsch:publication-kinds"]),
                ("dcterms:source", src()),
            ],
        )
    return len(classes)


@dataclass
class _Orgs:
    all: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    universities: list[str] = field(default_factory=list)
    panels: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)


def _organisations(
    w: _Writer, rng: random.Random, src: Callable[[], list[str]], acts: list[str], n: int
) -> _Orgs:
    orgs = _Orgs()
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        round_ = i // len(PLACES)
        suffix = "" if round_ == 0 else f" {round_ + 1}"
        extra: list[tuple[str, list[str]]] = []
        if i < len(DEPARTMENTS):
            cls, name = "sg:GovernmentDepartment", DEPARTMENTS[i]
            bucket = orgs.departments
        elif i % 50 == 11:
            cls, name = "sg:Panel", f"{place}{suffix} Child Safeguarding Review Panel"
            extra.append(("sg:establishedUnder", [acts[rng.randrange(len(acts))]]))
            bucket = orgs.panels
        else:
            k = i % 5
            if k == 0:
                cls, name = "sg:University", f"University of {place}{suffix}"
                bucket = orgs.universities
            elif k == 1:
                cls, name = "sg:HealthBody", f"{place}{suffix} Community Health NHS Trust"
                bucket = orgs.local
            elif k == 2 and orgs.universities:
                cls, name = "sg:OrganisationalUnit", f"School of Social Work, {place}{suffix}"
                extra.append(
                    ("org:unitOf", [orgs.universities[rng.randrange(len(orgs.universities))]])
                )
                bucket = orgs.local
            elif k == 3:
                cls, name = (
                    "sg:ResearchCentre",
                    f"{place}{suffix} Centre for Child Protection Research",
                )
                bucket = orgs.local
            else:
                cls, name = "sg:Organisation", f"{place}{suffix} Safeguarding Children Partnership"
                bucket = orgs.local
        iri = f"sgorg:{slugify(name)}"
        w.block(
            "organisations",
            iri,
            name,
            [
                ("a", [cls]),
                ("foaf:name", [_lit(name)]),
                *extra,
                ("dcterms:source", src()),
            ],
        )
        orgs.all.append(iri)
        bucket.append(iri)
    if not orgs.panels:
        orgs.panels.append(orgs.departments[0])
    return orgs


def _people(
    w: _Writer, rng: random.Random, src: Callable[[], list[str]], orgs: _Orgs, n: int
) -> list[str]:
    out = []
    for i in range(n):
        name = f"{FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}"
        iri = f"sgper:{slugify(name)}-{i + 1}"
        pairs = [
            ("a", ["sg:Person"]),
            ("foaf:name", [_lit(name)]),
            ("sg:affiliatedWith", [orgs.all[rng.randrange(len(orgs.all))]]),
        ]
        r = rng.random()
        if r < 0.05:
            pairs.append(("schema:honorificPrefix", [_lit("Dr")]))
        elif r < 0.08:
            pairs.append(("schema:jobTitle", [_lit("Independent reviewer")]))
        pairs.append(("dcterms:source", src()))
        w.block("people", iri, name, pairs)
        out.append(iri)
    return out


def _memberships(
    w: _Writer,
    rng: random.Random,
    src: Callable[[], list[str]],
    people: list[str],
    orgs: _Orgs,
    n: int,
) -> int:
    # Chairs: one at a time per panel, consecutive terms of 2-6 years (the last one open).
    chairs: list[tuple[str, int, int | None]] = []  # panel, start day, end day
    for panel in orgs.panels:
        day = rng.randrange(400)
        while day < _SPAN_DAYS - 200:
            term = 730 + rng.randrange(1460)
            end: int | None = day + term if day + term < _SPAN_DAYS else None
            chairs.append((panel, day, end))
            day += term + 1
    for i in range(n):
        person = people[rng.randrange(len(people))]
        precision = "date" if rng.random() < 0.8 else "month"
        if i < len(chairs):
            org, start, end_day = chairs[i]
            role = "sg:chair"
        else:
            if rng.random() < 0.1:
                role, org = "sg:minister", orgs.departments[rng.randrange(len(orgs.departments))]
            else:
                role, org = "sg:member", orgs.all[rng.randrange(len(orgs.all))]
            start = rng.randrange(_SPAN_DAYS - 400)
            end_day = start + 60 + rng.randrange(2500) if rng.random() < 0.7 else None
        pairs = [
            ("a", ["sg:Membership"]),
            ("sg:startDate", [_date_literal(start, precision)]),
        ]
        if end_day is not None:
            pairs.append(("sg:endDate", [_date_literal(end_day, precision)]))
        pairs += [
            ("org:member", [person]),
            ("org:organization", [org]),
            ("org:role", [role]),
            ("dcterms:source", src()),
        ]
        slug = (
            f"{person.split(':', 1)[1]}-{org.split(':', 1)[1][:40].rstrip('-')}-{role[3:]}-{i + 1}"
        )
        w.block("memberships", f"sgmem:{slug}", f"Membership {i + 1}: {role[3:]}", pairs)
    return n


_REVIEW_KINDS = (
    ("sg:NationalReview", "national-review", 0.10),
    ("sg:LocalChildSafeguardingPracticeReview", "lcspr", 0.50),
    ("sg:RapidReview", "rapid-review", 0.25),
    ("sg:IndependentReview", "independent-review", 0.15),
)


def _reviews(
    w: _Writer,
    rng: random.Random,
    src: Callable[[], list[str]],
    people: list[str],
    orgs: _Orgs,
    themes: list[str],
    topics: list[str],
    n: int,
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {cls: [] for cls, _, _ in _REVIEW_KINDS}
    for i in range(n):
        x = rng.random()
        acc = 0.0
        cls, word = _REVIEW_KINDS[-1][0], _REVIEW_KINDS[-1][1]
        for c, wd, share in _REVIEW_KINDS:
            acc += share
            if x < acc:
                cls, word = c, wd
                break
        if i < len(_REVIEW_KINDS):  # at least one of each kind
            cls, word = _REVIEW_KINDS[i][0], _REVIEW_KINDS[i][1]
        topic = topics[rng.randrange(len(topics))]
        topic_words = topic.split(":", 1)[1].removeprefix("topic-")
        start = rng.randrange(_SPAN_DAYS - 800)
        end = start + 30 + rng.randrange(700)
        iri = f"sgrev:{word}-{topic_words}-{i + 1}"
        commissioner = (
            orgs.departments[rng.randrange(len(orgs.departments))]
            if cls in ("sg:NationalReview", "sg:IndependentReview")
            else orgs.local[rng.randrange(len(orgs.local))]
        )
        undertaken = sorted(
            {
                orgs.panels[rng.randrange(len(orgs.panels))]
                if cls == "sg:NationalReview"
                else orgs.all[rng.randrange(len(orgs.all))],
                people[rng.randrange(len(people))],
            }
        )
        title = f"{word.replace('-', ' ').capitalize()} {i + 1}: {topic_words.replace('-', ' ')}"
        pairs: list[tuple[str, list[str]]] = [
            ("a", [cls]),
            ("dcterms:title", [_en(title)]),
            ("sg:startDate", [_date_literal(start, "date")]),
            ("sg:endDate", [_date_literal(end, "date")]),
            ("sg:commissionedBy", [commissioner]),
            ("sg:undertakenBy", undertaken),
            ("sg:reviewTopic", [topic]),
        ]
        if cls == "sg:LocalChildSafeguardingPracticeReview":  # local reviews record their themes
            pairs.append(("sg:practiceTheme", [_pick(rng, themes)]))
        pairs.append(("dcterms:source", src()))
        w.block("reviews", iri, title, pairs)
        out[cls].append(iri)
    return out


# (class(es), slug word, share)
_PUB_KINDS: tuple[tuple[tuple[str, ...], str, float], ...] = (
    (("sg:Report",), "report", 0.24),
    (("sg:AnnualReport",), "annual-report", 0.08),
    (("sg:NationalReviewReport",), "national-review-report", 0.04),
    (("sg:IndependentReviewReport",), "independent-review-report", 0.04),
    (("sg:CaseReviewAnalysis",), "case-review-analysis", 0.08),
    (("sg:FieldworkReport",), "fieldwork-report", 0.04),
    (("sg:Letter",), "letter", 0.12),
    (("sg:GovernmentResponse",), "government-response", 0.05),
    (("sg:GovernmentResponse", "sg:Letter"), "response-letter", 0.05),
    (("sg:StatutoryGuidance",), "statutory-guidance", 0.04),
    (("sg:Publication",), "briefing", 0.22),
)


def _publications(
    w: _Writer,
    rng: random.Random,
    src: Callable[[], list[str]],
    people: list[str],
    orgs: _Orgs,
    reviews: dict[str, list[str]],
    themes: list[str],
    topics: list[str],
    acts: list[str],
    periods: dict[int, str],
    estimate: int,
    target: int,
) -> int:
    pubs: list[str] = []
    last_day = -1
    guidance: list[str] = []
    first_of_day = 0  # index of the first publication issued on the current day
    all_reviews = [r for v in reviews.values() for r in v]
    i = 0
    while w.total < target or i < 10:
        day = min(_SPAN_DAYS - 1, (i * _SPAN_DAYS) // max(1, estimate))
        if day != last_day:
            first_of_day = i
            last_day = day
        x = rng.random()
        acc = 0.0
        classes, word, _share = _PUB_KINDS[-1]
        for kinds in _PUB_KINDS:
            acc += kinds[2]
            if x < acc:
                classes, word, _share = kinds
                break
        if "sg:GovernmentResponse" in classes and first_of_day == 0:
            classes, word = ("sg:Report",), "report"  # nothing earlier to answer yet
        theme = themes[rng.randrange(len(themes))]
        theme_words = theme.split(":", 1)[1]
        year = (_EPOCH + timedelta(days=day)).year
        iri = f"sgpub:{word}-{theme_words}-{year}-{i + 1}"
        lead = TITLE_LEADS[rng.randrange(len(TITLE_LEADS))]
        title = f"{lead} {theme_words.replace('-', ' ')} ({word.replace('-', ' ')} {i + 1})"
        r = rng.random()
        precision = "date" if r < 0.85 else ("month" if r < 0.95 else "year")
        pairs: list[tuple[str, list[str]]] = [
            ("a", list(classes)),
            ("dcterms:title", [_en(title)]),
            ("dcterms:issued", [_date_literal(day, precision)]),
        ]

        def person() -> str:
            return people[rng.randrange(len(people))]

        primary = classes[0]
        if primary in ("sg:AnnualReport", "sg:StatutoryGuidance", "sg:GovernmentResponse"):
            authors = {orgs.departments[rng.randrange(len(orgs.departments))]}
        else:
            authors = {person() for _ in range(1 + rng.randrange(3))}
        pairs.append(("sg:authoredBy", sorted(authors)))
        if primary in ("sg:GovernmentResponse", "sg:StatutoryGuidance"):
            publisher = orgs.departments[rng.randrange(len(orgs.departments))]
        else:
            publisher = orgs.all[rng.randrange(len(orgs.all))]
        pairs.append(("sg:publishedBy", [publisher]))
        if "sg:Letter" in classes:
            pairs.append(("sg:addressedTo", [person()]))
        if primary == "sg:GovernmentResponse":
            answered = {pubs[rng.randrange(first_of_day)] for _ in range(1 + (rng.random() < 0.2))}
            pairs.append(("sg:respondsTo", sorted(answered)))
        if primary == "sg:AnnualReport":
            pairs.append(("sg:coversPeriod", [periods[year - 1]]))
        if primary == "sg:NationalReviewReport":
            pairs.append(("sg:reportOf", [_pick(rng, reviews["sg:NationalReview"])]))
        elif primary == "sg:IndependentReviewReport":
            pairs.append(("sg:reportOf", [_pick(rng, reviews["sg:IndependentReview"])]))
        elif primary == "sg:Report" and rng.random() < 0.5:
            pairs.append(("sg:reportOf", [_pick(rng, all_reviews)]))
        if primary == "sg:CaseReviewAnalysis" and i > 0:
            pairs.append(
                (
                    "sg:analyses",
                    sorted({pubs[rng.randrange(i)] for _ in range(1 + rng.randrange(3))}),
                )
            )
        elif primary == "sg:CaseReviewAnalysis":
            pairs.append(("sg:analyses", [theme]))
        if primary == "sg:FieldworkReport":
            pairs.append(("sg:informs", [_pick(rng, all_reviews)]))
        if primary == "sg:StatutoryGuidance" and guidance:
            pairs.append(("dcterms:replaces", [guidance[-1]]))
        if i > 0:
            n_cites = rng.randrange(5)
            cited = {pubs[rng.randrange(i)] for _ in range(n_cites)}
            if rng.random() < 0.05:
                cited.add(acts[rng.randrange(len(acts))])
            if cited:
                pairs.append(("sg:cites", sorted(cited)))
        pairs.append(("sg:practiceTheme", [theme]))
        if rng.random() < 0.4:
            pairs.append(("sg:reviewTopic", [topics[rng.randrange(len(topics))]]))
        pairs.append(("dcterms:source", src()))
        w.block("publications", iri, title, pairs)
        pubs.append(iri)
        if primary == "sg:StatutoryGuidance":
            guidance.append(iri)
        i += 1
    return i


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


def parse_count(text: str) -> int:
    """``10000``, ``10k``, ``1.5m``, ``10_000`` -> an integer."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    try:
        value = float(t) * mult
    except ValueError:
        raise InputError(
            f"{text!r} is not a number of triples", hint="for example 100000, 100k or 1m"
        ) from None
    return int(value)
