"""Matching names and titles against the graph, so that nothing gets a second IRI.

Rules, in order (the first that finds anything decides):

Publications (labels: ``dcterms:title``, ``skos:altLabel``)
  1. exact: the title equals a label, ignoring case, accents, quotes, dashes and punctuation;
     several entities -> those whose year agrees with the entry's; still several -> ambiguous.
  2. fuzzy: rapidfuzz ``token_set_ratio`` of the normalised strings >= ``FUZZY_THRESHOLD`` (90),
     and the numbers in both titles are the same (so "annual report 2020" never matches
     "annual report 2021"), and the years agree where both are known, and the shorter title has
     at least ``FUZZY_MIN_WORDS`` words, at least half of them (after normalising) also in the
     other title. If the best two entities score within ``FUZZY_MARGIN`` (5) of each other ->
     ambiguous; otherwise the best matches. Only titles that share a rare word are compared
     (``FuzzyTitles``), so matching costs the same however many titles the graph has.

Organisations (``foaf:name``, ``skos:altLabel``)
  exact label; else an acronym given in the input ("DfE") against the acronyms of the names
  (with and without small words: "Department for Education" -> DFE). Several -> ambiguous.

People (``foaf:name``, ``skos:altLabel``)
  surname plus given names or initials: "Dickens, J." ~ "Jonathan Dickens" ~ "Sir Jonathan
  Dickens"; full given names must agree. Several -> ambiguous (never guessed).

Concepts and legislation (for ``about``): exact ``skos:prefLabel``/``skos:altLabel``/
``dcterms:title``, or an IRI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox
from rapidfuzz import fuzz, utils

from sgraph.curate.names import (
    PersonName,
    acronyms,
    label_key,
    looks_like_acronym,
    numbers,
    parse_person,
    plain,
    words,
)
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES

#: Minimum rapidfuzz token_set_ratio (0-100) for a fuzzy title match.
FUZZY_THRESHOLD = 90.0
#: A fuzzy match is ambiguous when the runner-up entity scores within this many points.
FUZZY_MARGIN = 5.0
#: token_set_ratio is 100 for any subset, so very short titles must match exactly.
FUZZY_MIN_WORDS = 3

Status = Literal["matched", "new", "ambiguous"]
Kind = Literal["publication", "person", "organisation", "review", "concept", "legislation", "other"]

_P = STANDARD_PREFIXES
NAME_PROPS = (_P["foaf"] + "name", _P["dcterms"] + "title", _P["skos"] + "prefLabel")
ALT_PROP = _P["skos"] + "altLabel"
ISSUED = _P["dcterms"] + "issued"


@dataclass
class Match:
    status: Status
    entity: str | None = None
    how: str = ""
    candidates: list[str] = field(default_factory=list)


@dataclass
class Known:
    """One entity of the graph (or one added earlier in the same run)."""

    iri: str
    kind: Kind
    names: list[str] = field(default_factory=list)  # preferred labels
    alt: list[str] = field(default_factory=list)  # alternative labels
    year: str | None = None
    types: set[str] = field(default_factory=set)

    @property
    def labels(self) -> list[str]:
        return self.names + self.alt


def kind_of(iri: str, types: set[str], base: str, sg: str) -> Kind:
    idns = base + "id/"
    if iri.startswith(idns):
        k = iri[len(idns) :].split("/", 1)[0]
        if k in ("publication", "person", "organisation", "review", "concept"):
            return k  # type: ignore[return-value]
    if sg + "Legislation" in types:
        return "legislation"
    return "other"


#: A fuzzy candidate must share a word with the title being matched: one of its
#: ``SIGNATURE_WORDS`` rarest words, or the title's own ``SIGNATURE_WORDS`` rarest words
#: (see ``FuzzyTitles``).
SIGNATURE_WORDS = 3


@dataclass(frozen=True)
class _Title:
    iri: str
    label: str
    processed: str  # rapidfuzz's default_process of the plain label
    tokens: frozenset[str]  # its words
    nums: frozenset[str]
    nwords: int
    year: str | None


class FuzzyTitles:
    """Publication labels for fuzzy matching, found by the words they share with a title.

    Comparing a title with every label made ``sgraph add`` quadratic. A fuzzy match needs the
    same numbers in both (``numbers``), so labels are kept apart by their numbers; and a label
    that scores ``FUZZY_THRESHOLD`` or more shares most of its words with the title (all of
    them when one is part of the other, where rapidfuzz's token_set_ratio gives 100), so it
    shares one of the title's rarest words, or the title holds one of the label's rarest words.
    Each label is listed under every word it has and, as a signature, under its
    ``SIGNATURE_WORDS`` rarest words; a title's candidates are the labels (with its numbers)
    under its rarest words plus those whose signature it holds. Only those are scored, with the
    same rules as before.
    """

    def __init__(self) -> None:
        self._titles: list[_Title] = []
        # (numbers, word) -> positions in _titles: of every label with the word, and of those
        # whose rarest words include it
        self._by_word: dict[tuple[frozenset[str], str], set[int]] = {}
        self._by_signature: dict[tuple[frozenset[str], str], set[int]] = {}

    def add(self, iri: str, label: str, year: str | None) -> None:
        processed = utils.default_process(plain(label))
        nums = numbers(label)
        tokens = frozenset(processed.split())
        position = len(self._titles)
        self._titles.append(_Title(iri, label, processed, tokens, nums, len(words(label)), year))
        for t in tokens:
            self._by_word.setdefault((nums, t), set()).add(position)
        for t in self._rarest(nums, tokens):
            self._by_signature.setdefault((nums, t), set()).add(position)

    def _rarest(self, nums: frozenset[str], tokens: Iterable[str]) -> list[str]:
        known = [t for t in tokens if (nums, t) in self._by_word]
        return sorted(known, key=lambda t: (len(self._by_word[nums, t]), t))[:SIGNATURE_WORDS]

    def candidates(self, processed: str, nums: frozenset[str]) -> list[_Title]:
        """The labels with numbers ``nums`` that may score high enough against ``processed``."""
        tokens = set(processed.split())
        found: set[int] = set().union(
            *(self._by_word[nums, t] for t in self._rarest(nums, tokens)),
            *(self._by_signature.get((nums, t), ()) for t in tokens),
        )
        return [self._titles[i] for i in sorted(found)]


class GraphIndex:
    """Labels, kinds and years of every entity, for matching, with an index per kind of match
    (exact labels, fuzzy title words, surnames, acronyms), so matching one entry costs the same
    however large the graph (or the file being added) is."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.sg = base + "ontology#"
        self.entities: dict[str, Known] = {}
        self.sources: set[str] = set()  # IRIs described as sg:Source
        self._pub_exact: dict[str, dict[str, str]] = {}  # label key -> IRI -> how
        self._pub_fuzzy = FuzzyTitles()
        self._org_labels: dict[str, set[str]] = {}  # label key -> organisation IRIs
        self._org_acronyms: dict[str, set[str]] = {}
        self._people: dict[str, list[tuple[str, PersonName]]] = {}  # surname key -> people
        self._labels: dict[str, dict[str, set[str]]] = {}  # kind -> label key -> IRIs

    @classmethod
    def from_store(cls, store: ox.Store, base: str) -> GraphIndex:
        index = cls(base)
        types: dict[str, set[str]] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                types.setdefault(q.subject.value, set()).add(q.object.value)
        for iri, ts in types.items():
            if index.sg + "Source" in ts:
                index.sources.add(iri)
            kind = kind_of(iri, ts, base, index.sg)
            if kind == "other" and not iri.startswith(base + "id/"):
                continue
            known = Known(iri, kind, types=ts)
            s = ox.NamedNode(iri)
            for prop in NAME_PROPS:
                for value in _literals(store, s, prop):
                    if value not in known.names:
                        known.names.append(value)
            for value in _literals(store, s, ALT_PROP):
                if value not in known.alt:
                    known.alt.append(value)
            for value in _literals(store, s, ISSUED):
                known.year = value[:4]
            known.names.sort()
            known.alt.sort()
            index.add(known)
        return index

    def add(self, known: Known) -> None:
        """Add (or, for an IRI already known, extend) an entity; every index follows."""
        self.entities[known.iri] = known
        iri = known.iri
        for label in known.labels:
            self._labels.setdefault(known.kind, {}).setdefault(label_key(label), set()).add(iri)
        if known.kind == "publication":
            for how, labels in (("exact title", known.names), ("alternative label", known.alt)):
                for label in labels:
                    hows = self._pub_exact.setdefault(label_key(label), {})
                    if hows.get(iri) != "exact title":
                        hows[iri] = how
            for label in dict.fromkeys(known.labels):
                self._pub_fuzzy.add(iri, label, known.year)
        if self.is_organisation(known):
            for label in known.labels:
                self._org_labels.setdefault(label_key(label), set()).add(iri)
            for label in known.names:
                for acro in acronyms(label):
                    self._org_acronyms.setdefault(acro, set()).add(iri)
        if known.kind == "person":
            for label in known.labels:
                person = parse_person(label)
                if person is not None:
                    self._people.setdefault(person.surname_key, []).append((iri, person))

    def of_kind(self, *kinds: Kind) -> Iterable[Known]:
        return (k for k in self.entities.values() if k.kind in kinds)

    def is_organisation(self, known: Known) -> bool:
        return known.kind == "organisation" or self.sg + "Organisation" in known.types

    # -- publications ---------------------------------------------------------------------
    def match_publication(self, title: str, year: str | None) -> Match:
        exact = self._pub_exact.get(label_key(title), {})
        if exact:
            iris = sorted(exact)
            if len(iris) > 1 and year:
                same_year = [i for i in iris if self.entities[i].year == year]
                iris = same_year or iris
            if len(iris) == 1:
                return Match("matched", iris[0], f"matched by {exact[iris[0]]}")
            return Match("ambiguous", None, "the title is a label of several publications", iris)
        return self._fuzzy_publication(title, year)

    def _fuzzy_publication(self, title: str, year: str | None) -> Match:
        query = utils.default_process(plain(title))
        qnums = numbers(title)
        qwords = len(words(title))
        qtokens = set(query.split())
        best: dict[str, tuple[float, str]] = {}
        for cand in self._pub_fuzzy.candidates(query, qnums):
            if year and cand.year and cand.year != year:
                continue
            if min(qwords, cand.nwords) < FUZZY_MIN_WORDS:
                continue
            if 2 * len(qtokens & cand.tokens) < min(len(qtokens), len(cand.tokens)):
                continue  # shares less than half the shorter title's words: never 90
            score = float(fuzz.token_set_ratio(query, cand.processed))
            if score >= FUZZY_THRESHOLD and score > best.get(cand.iri, (0.0, ""))[0]:
                best[cand.iri] = (score, cand.label)
        if not best:
            return Match("new", None, "no publication with this title")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        top_iri, (top, label) = ranked[0]
        if len(ranked) > 1 and top - ranked[1][1][0] < FUZZY_MARGIN:
            close = [iri for iri, (s, _) in ranked if top - s < FUZZY_MARGIN]
            return Match(
                "ambiguous",
                None,
                f"the title is close to several publications (scores {top:.0f} and "
                f"{ranked[1][1][0]:.0f}, margin under {FUZZY_MARGIN:.0f})",
                close,
            )
        return Match("matched", top_iri, f"matched by fuzzy title (score {top:.0f}) to {label!r}")

    # -- agents ---------------------------------------------------------------------------
    def match_organisation(self, name: str) -> Match:
        key = label_key(name)
        key_no_the = key[4:] if key.startswith("the ") else key
        found = sorted(self._org_labels.get(key, set()) | self._org_labels.get(key_no_the, set()))
        if len(found) == 1:
            return Match("matched", found[0], "matched by name")
        if len(found) > 1:
            return Match("ambiguous", None, "the name is a label of several organisations", found)
        if looks_like_acronym(name):
            found = sorted(self._org_acronyms.get(key.replace(" ", ""), set()))
            if len(found) == 1:
                return Match("matched", found[0], "matched by acronym")
            if len(found) > 1:
                return Match("ambiguous", None, "the acronym fits several organisations", found)
        return Match("new", None, "no organisation with this name")

    def match_person(self, name: str) -> Match:
        wanted = parse_person(name)
        if wanted is None:
            return Match("new", None, "no person with this name")
        exact: set[str] = set()
        compatible: set[str] = set()
        for iri, p in self._people.get(wanted.surname_key, ()):
            if _same_person_name(wanted, p):
                exact.add(iri)
            elif wanted.compatible(p):
                compatible.add(iri)
        found = sorted(exact) or sorted(compatible - exact)
        how = "matched by name" if exact else "matched by surname and initials"
        if len(found) == 1:
            return Match("matched", found[0], how)
        if len(found) > 1:
            return Match("ambiguous", None, "the name fits several people", found)
        return Match("new", None, "no person with this name")

    # -- concepts, legislation, any entity ------------------------------------------------
    def match_label(self, text: str, kinds: tuple[Kind, ...], prefixes: dict[str, str]) -> Match:
        iri = expand(text, prefixes)
        if iri is not None:
            if iri in self.entities and self.entities[iri].kind in kinds:
                return Match("matched", iri, "given by IRI")
            return Match("new", None, f"no {' or '.join(kinds)} with the IRI <{iri}>")
        key = label_key(text)
        found = sorted({i for k in kinds for i in self._labels.get(k, {}).get(key, set())})
        if len(found) == 1:
            return Match("matched", found[0], "matched by label")
        if len(found) > 1:
            return Match("ambiguous", None, "the label fits several entities", found)
        return Match("new", None, f"no {' or '.join(kinds)} with this label")


def _literals(store: ox.Store, subject: ox.NamedNode, prop: str) -> list[str]:
    return [
        q.object.value
        for q in store.quads_for_pattern(subject, ox.NamedNode(prop), None, None)
        if isinstance(q.object, ox.Literal)
    ]


def _same_person_name(a: PersonName, b: PersonName) -> bool:
    return (
        a.surname_key == b.surname_key
        and a.has_full_given
        and b.has_full_given
        and [label_key(g) for g in a.given] == [label_key(g) for g in b.given]
    )


def expand(text: str, prefixes: dict[str, str]) -> str | None:
    """``<iri>``, an absolute IRI, or a prefixed name (``sgpub:x``) as an IRI; else None."""
    t = text.strip()
    if t.startswith("<") and t.endswith(">"):
        return t[1:-1]
    if t.startswith(("http://", "https://", "urn:", "file:")) and " " not in t:
        return t
    pfx, sep, local = t.partition(":")
    if sep and pfx in prefixes and " " not in t:
        return prefixes[pfx] + local
    return None
