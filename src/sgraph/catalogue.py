"""The entities of the graph as a catalogue: kinds, labels, facets and text search.

What a person browsing the graph needs, built once from a loaded graph (the store is read-only
while it is served) into an SQLite database in memory (Python's ``sqlite3``):

* every **entity** (an IRI with a type stated in a curated file: ``{base}id/{kind}/{slug}``, and
  legislation and source pages, which keep their own IRIs) with its kind, label, a one-line
  summary and a date;
* its **facet values** (``FACETS``: type, year, publisher, commissioner, theme, author, ...), so
  a kind's list can be narrowed and counted the way datasette's facets do;
* a **full-text index** (SQLite FTS5, Porter stemming, diacritics folded) over labels,
  alternative labels and notes.

A membership has no label of its own in the data; its catalogue label reads "Annie Hudson —
Chair — Child Safeguarding Practice Review Panel (from 2020-12)".
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.serialize import PrefixMap

if TYPE_CHECKING:
    from sgraph.store import GraphStore

_P = STANDARD_PREFIXES
#: Label properties, first found wins (a literal in English, or without a language, first).
LABEL_PREDICATES = (
    _P["rdfs"] + "label",
    _P["skos"] + "prefLabel",
    _P["foaf"] + "name",
    _P["dcterms"] + "title",
    _P["schema"] + "name",
)
ALT_PREDICATES = (_P["skos"] + "altLabel", _P["dcterms"] + "alternative")
NOTE_PREDICATES = (
    _P["rdfs"] + "comment",
    _P["dcterms"] + "description",
    _P["schema"] + "jobTitle",
    _P["dcterms"] + "identifier",
)
SOURCE = _P["dcterms"] + "source"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Kind:
    """A kind of entity: the ``{kind}`` of ``{base}id/{kind}/{slug}``, or a class for entities
    that keep IRIs of their own (legislation, source pages)."""

    name: str
    label: str
    note: str
    classes: tuple[str, ...] = ()  # local names in sg: that make an outside IRI of this kind


#: In the order the index shows them. A kind found in the data but not listed here is shown
#: after these, named by its IRI segment.
KINDS: tuple[Kind, ...] = (
    Kind("publication", "Publications", "reports, letters, guidance and government responses"),
    Kind("review", "Reviews", "national, local, rapid and independent reviews"),
    Kind("person", "People", "authors, chairs, members, ministers"),
    Kind("organisation", "Organisations", "panels, departments, partnerships, universities"),
    Kind("legislation", "Legislation", "Acts of Parliament", ("Legislation",)),
    Kind("concept", "Themes and topics", "practice themes, review topics, partner kinds"),
    Kind("membership", "Roles", "who held which role in which organisation, and when"),
    Kind("collection", "Collections", "sets of publications analysed together"),
    Kind("period", "Periods", "the periods publications cover"),
    Kind("scheme", "Concept schemes", "the lists the themes and topics belong to"),
    Kind("source", "Source pages", "the pages every fact was read from", ("Source",)),
)
_KIND = {k.name: k for k in KINDS}


@dataclass(frozen=True)
class Facet:
    """A way to narrow a list: ``pattern`` binds ``?v`` for the entity ``?e`` (SPARQL)."""

    key: str
    label: str
    pattern: str


#: Facet patterns use sg: (the project's ontology under the base), dcterms:, org:, skos:.
FACETS: tuple[Facet, ...] = (
    Facet("type", "Type", "?e a ?v . FILTER(isIRI(?v) && STRSTARTS(STR(?v), STR(sg:)))"),
    Facet(
        "year",
        "Year",
        "{ ?e dcterms:issued ?d } UNION { ?e sg:startDate ?d } UNION { ?e sg:enactedOn ?d } "
        "BIND(SUBSTR(STR(?d), 1, 4) AS ?v)",
    ),
    Facet("publisher", "Published by", "?e sg:publishedBy ?v"),
    Facet("commissioner", "Commissioned by", "?e sg:commissionedBy ?v"),
    Facet("theme", "Theme or topic", "?e sg:concerns ?v . ?v a skos:Concept"),
    Facet("author", "Author", "?e sg:authoredBy ?v"),
    Facet(
        "organisation",
        "Organisation",
        "{ ?m org:member ?e ; org:organization ?v } UNION { ?e a sg:Membership ; "
        "org:organization ?v }",
    ),
    Facet(
        "role",
        "Role",
        "{ ?m org:member ?e ; org:role ?v } UNION { ?e a sg:Membership ; org:role ?v }",
    ),
    Facet("affiliation", "Affiliated with", "?e sg:affiliatedWith ?v"),
    Facet("scheme", "Scheme", "?e skos:inScheme ?v"),
)
FACET_KEYS = tuple(f.key for f in FACETS)

_SCHEMA = """
CREATE TABLE entity(
    id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
    sort TEXT NOT NULL, date TEXT NOT NULL, summary TEXT NOT NULL);
CREATE INDEX entity_kind ON entity(kind, sort);
CREATE TABLE facet(entity INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(facet, value, entity));
CREATE INDEX facet_entity ON facet(entity, facet);
CREATE TABLE class(entity INTEGER NOT NULL, iri TEXT NOT NULL, PRIMARY KEY(iri, entity));
CREATE TABLE term(iri TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(
    label, alt, note, tokenize = 'porter unicode61 remove_diacritics 2');
"""


@dataclass
class Item:
    """One entity in a list: what a row of a kind's page or of a search shows."""

    iri: str
    kind: str
    label: str
    summary: str
    date: str

    def to_dict(self) -> dict[str, str]:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label,
            "summary": self.summary,
            "date": self.date,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class FacetCounts:
    facet: Facet
    values: list[FacetValue]


@dataclass
class Page:
    """One page of a list or a search: the items, the total, and the facets of the whole list."""

    items: list[Item]
    total: int
    offset: int
    size: int
    facets: list[FacetCounts] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


def _lit_key(lit: ox.Literal) -> tuple[bool, str]:
    return (lit.language not in ("en", None, ""), lit.value)


def _year(date: str) -> str:
    m = re.match(r"-?\d{4}", date)
    return m.group(0) if m else ""


def _fts_query(text: str) -> str | None:
    """An FTS5 query matching every word of ``text`` (the last one as a prefix), or None."""
    words = re.findall(r"\w+", text.casefold())
    if not words:
        return None
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


class Catalogue:
    """The entities of one loaded graph, with their facets and a text index (see module doc)."""

    def __init__(self, db: sqlite3.Connection, base: str, prefixes: dict[str, str]) -> None:
        self.db = db
        self.base = base
        self.prefixes = prefixes
        self._pm = PrefixMap(prefixes)
        self._lock = threading.Lock()
        self._labels: dict[str, str] = {
            iri: label for iri, label in db.execute("SELECT iri, label FROM term")
        }
        self._labels.update(db.execute("SELECT iri, label FROM entity"))
        self._kinds = {iri: kind for iri, kind in db.execute("SELECT iri, kind FROM entity")}

    # -- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, gs: GraphStore) -> Catalogue:
        """The catalogue of ``gs`` (a few SPARQL scans; about a second per 100k entities)."""
        return _Builder(gs).build()

    # -- looking up -------------------------------------------------------------------------
    def label(self, iri: str) -> str | None:
        """The label of an entity or of an ontology term, if the graph has one."""
        return self._labels.get(iri)

    def display(self, iri: str) -> str:
        """The label, else the prefixed name, else the IRI."""
        return self._labels.get(iri) or self._pm.shorten(iri).strip("<>")

    def short(self, iri: str) -> str:
        return self._pm.shorten(iri).strip("<>")

    def kind_of(self, iri: str) -> str | None:
        return self._kinds.get(iri)

    def __contains__(self, iri: object) -> bool:
        return iri in self._kinds

    def __len__(self) -> int:
        return len(self._kinds)

    def kind(self, name: str) -> Kind | None:
        if name in _KIND:
            return _KIND[name]
        if name in self._kinds.values():
            return _other_kind(name)
        return None

    def kinds(self) -> list[tuple[Kind, int]]:
        """Every kind present, in ``KINDS`` order (others after, by name), with its count."""
        counts = dict(self._query("SELECT kind, COUNT(*) FROM entity GROUP BY kind"))
        order = [k.name for k in KINDS]
        names = sorted(counts, key=lambda n: (order.index(n) if n in order else len(order), n))
        return [(_KIND.get(n) or _other_kind(n), counts[n]) for n in names]

    def facet(self, key: str) -> Facet | None:
        return next((f for f in FACETS if f.key == key), None)

    def expand(self, value: str) -> str:
        """A facet value as given in a URL (a prefixed name or an IRI or text) as stored."""
        if ":" in value and "://" not in value:
            pfx, _, local = value.partition(":")
            if pfx in self.prefixes:
                return self.prefixes[pfx] + local
        return value

    # -- lists ---------------------------------------------------------------------------
    def page(
        self,
        kind: str | None = None,
        filters: dict[str, str] | None = None,
        *,
        text: str = "",
        cls: str | None = None,
        iri_prefix: str | None = None,
        offset: int = 0,
        size: int = DEFAULT_PAGE_SIZE,
        sort: str = "label",
        with_facets: bool = True,
    ) -> Page:
        """The entities of ``kind`` (all kinds if None) having every ``filters`` facet value,
        matching ``text`` (every word; the last as a prefix), of class ``cls`` and with an IRI
        starting with ``iri_prefix``; one page of
        them, sorted by ``sort`` (``label``, ``date``, ``-date``; a search sorts by relevance),
        and the facet counts of the whole filtered list."""
        filters = {k: self.expand(v) for k, v in (filters or {}).items() if v}
        size = max(1, min(size, MAX_PAGE_SIZE))
        offset = max(0, offset)
        where, args = self._where(kind, filters, text, cls, iri_prefix)
        total = int(self._query(f"SELECT COUNT(*) FROM entity e WHERE {where}", args)[0][0])
        fts = _fts_query(text)
        if fts is not None and sort == "label":
            # relevance: a word in the label counts most, then alternative labels, then notes;
            # source pages after the entities of the graph
            order = (
                "e.kind = 'source', (SELECT bm25(search, 10.0, 4.0, 1.0) FROM search "
                "WHERE search MATCH ? AND search.rowid = e.id), e.sort"
            )
            order_args: list[Any] = [fts]
        elif sort in ("date", "-date"):
            direction = "DESC" if sort == "-date" else "ASC"
            order = f"e.date = '', e.date {direction}, e.sort"
            order_args = []
        else:
            order, order_args = "e.sort, e.iri", []
        rows = self._query(
            f"SELECT e.iri, e.kind, e.label, e.summary, e.date FROM entity e WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, *order_args, size, offset],
        )
        items = [Item(*row) for row in rows]
        facets = self._facets(kind, filters, text, cls, total) if with_facets else []
        return Page(items=items, total=total, offset=offset, size=size, facets=facets)

    def _where(
        self,
        kind: str | None,
        filters: dict[str, str],
        text: str,
        cls: str | None,
        iri_prefix: str | None = None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1"]
        args: list[Any] = []
        if kind is not None:
            clauses.append("e.kind = ?")
            args.append(kind)
        for key, value in sorted(filters.items()):
            clauses.append(
                "EXISTS (SELECT 1 FROM facet f WHERE f.entity = e.id AND f.facet = ? "
                "AND f.value = ?)"
            )
            args += [key, value]
        fts = _fts_query(text)
        if text.strip() and fts is None:
            clauses.append("0")
        elif fts is not None:
            clauses.append("e.id IN (SELECT rowid FROM search WHERE search MATCH ?)")
            args.append(fts)
        if cls is not None:
            clauses.append("EXISTS (SELECT 1 FROM class c WHERE c.entity = e.id AND c.iri = ?)")
            args.append(cls)
        if iri_prefix:
            clauses.append("substr(e.iri, 1, ?) = ?")
            args += [len(iri_prefix), iri_prefix]
        return " AND ".join(clauses), args

    def _facets(
        self,
        kind: str | None,
        filters: dict[str, str],
        text: str,
        cls: str | None,
        total: int,
    ) -> list[FacetCounts]:
        where, args = self._where(kind, filters, text, cls)
        rows = self._query(
            "SELECT f.facet, f.value, COUNT(DISTINCT f.entity) FROM facet f JOIN entity e "
            f"ON e.id = f.entity WHERE {where} GROUP BY f.facet, f.value",
            args,
        )
        by_facet: dict[str, list[FacetValue]] = defaultdict(list)
        for key, value, count in rows:
            selected = filters.get(key) == value
            # a value every listed entity has says nothing (sg:Publication on the publications),
            # unless it is the chosen one
            if count == total and not selected and key == "type":
                continue
            by_facet[key].append(FacetValue(value, self.display(value), int(count), selected))
        out = []
        for facet in FACETS:
            values = by_facet.get(facet.key)
            if not values:
                continue
            if facet.key == "year":
                values.sort(key=lambda v: v.value, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label.casefold(), v.value))
            out.append(FacetCounts(facet, values))
        return out

    def search(self, text: str, *, kind: str | None = None, size: int = 20) -> Page:
        """The entities whose label, alternative labels or notes hold every word of ``text``
        (none for a text without words)."""
        if _fts_query(text) is None:
            return Page(items=[], total=0, offset=0, size=size)
        return self.page(kind, text=text, size=size, with_facets=False)

    def closest(self, iri: str, cls: str | None = None, n: int = 5) -> list[str]:
        """The entities (of class ``cls``) whose IRI or label is closest to ``iri``."""
        if cls is not None:
            pool = [
                r[0]
                for r in self._query(
                    "SELECT e.iri FROM entity e JOIN class c ON c.entity = e.id WHERE c.iri = ?",
                    [cls],
                )
            ]
        else:
            pool = list(self._kinds)
        return closest_iris(iri, pool, self._labels, n)

    def instances(self, cls: str, limit: int = MAX_PAGE_SIZE) -> list[Item]:
        """The entities of class ``cls``, by label."""
        return self.page(cls=cls, size=limit, with_facets=False).items

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:  # one connection, shared by the server's threads
            return list(self.db.execute(sql, args))


def closest_iris(
    iri: str, pool: Iterable[str], labels: dict[str, str] | None = None, n: int = 5
) -> list[str]:
    """The IRIs of ``pool`` most like ``iri``: by the last part of the IRI, then by label."""
    labels = labels or {}
    pool = list(pool)

    def last(text: str) -> str:
        return re.split(r"[/#:]", text.rstrip("/"))[-1].casefold()

    wanted = last(iri)
    by_slug: dict[str, list[str]] = defaultdict(list)
    for candidate in pool:
        by_slug[last(candidate)].append(candidate)
    out: list[str] = []
    for slug in difflib.get_close_matches(wanted, list(by_slug), n=n, cutoff=0.6):
        out += sorted(by_slug[slug])
    words = set(re.findall(r"\w+", wanted.replace("-", " ")))
    if len(out) < n and words:
        scored = []
        for candidate in pool:
            if candidate in out:
                continue
            text = (labels.get(candidate, "") + " " + last(candidate).replace("-", " ")).casefold()
            shared = len(words & set(re.findall(r"\w+", text)))
            if shared:
                scored.append((-shared, candidate))
        out += [c for _, c in sorted(scored)[: n - len(out)]]
    return out[:n]


def _other_kind(name: str) -> Kind:
    return Kind(name, name.replace("-", " ").capitalize() + "s", "")


class _Builder:
    """Fills the catalogue's tables from the store with a handful of SPARQL scans."""

    def __init__(self, gs: GraphStore) -> None:
        self.gs = gs
        self.base = gs.settings.base
        self.sg = self.base + "ontology#"
        self.prefixes = gs.prefixes
        self.materialised = self.base + "graph/materialised"
        self.pm = PrefixMap(self.prefixes)

    def select(self, text: str) -> Iterable[ox.QuerySolution]:
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        result = self.gs.store.query(head + text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return result

    def kind_of(self, iri: str, classes: set[str]) -> str | None:
        space = self.base + "id/"
        if iri.startswith(space):
            kind, sep, slug = iri[len(space) :].partition("/")
            if sep and slug and "/" not in slug and "#" not in slug:
                return kind
            return None
        for k in KINDS:
            if any(self.sg + c in classes for c in k.classes):
                return k.name
        return None

    def build(self) -> Catalogue:
        # entities: typed in a curated graph (not only by the build's materialisation)
        curated_types: dict[str, set[str]] = defaultdict(set)
        for row in self.select(
            f"SELECT ?e ?t WHERE {{ GRAPH ?g {{ ?e a ?t }} "
            f"FILTER(isIRI(?e) && isIRI(?t) && ?g != <{self.materialised}>) }}"
        ):
            e, t = row["e"], row["t"]
            assert isinstance(e, ox.NamedNode) and isinstance(t, ox.NamedNode)
            curated_types[e.value].add(t.value)
        all_types: dict[str, set[str]] = defaultdict(set)
        for q in self.gs.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
            subject = q.subject
            if (
                isinstance(subject, ox.NamedNode)
                and subject.value in curated_types
                and isinstance(q.object, ox.NamedNode)
            ):
                all_types[subject.value].add(q.object.value)
        kinds = {
            iri: kind
            for iri in curated_types
            if (kind := self.kind_of(iri, all_types[iri])) is not None
        }
        terms = self.term_labels()
        labels, alts = self.labels(kinds)
        notes = self.texts(kinds, NOTE_PREDICATES)
        dates = self.dates(kinds)
        facets = self.facets(kinds)
        for iri, label in self.membership_labels(kinds, labels, terms).items():
            labels[iri] = label

        def display(iri: str) -> str:
            return labels.get(iri) or terms.get(iri) or self.pm.shorten(iri).strip("<>")

        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        entity_rows, search_rows, facet_rows, class_rows = [], [], [], []
        for i, iri in enumerate(sorted(kinds), start=1):
            label = labels.get(iri) or self.pm.shorten(iri).strip("<>")
            own = sorted(
                t for t in curated_types[iri] if t.startswith(self.sg) and t != self.sg + "Source"
            )
            parts = [", ".join(display(t) for t in own)]
            parts.append(dates.get(iri, ""))
            for key in ("publisher", "commissioner", "organisation"):
                values = sorted(display(v) for v in facets[key].get(iri, ()))
                if values:
                    parts.append("; ".join(values[:3]) + (" …" if len(values) > 3 else ""))
                    break
            summary = " · ".join(p for p in parts if p)
            sort = " ".join(label.casefold().split())
            entity_rows.append((i, iri, kinds[iri], label, sort, dates.get(iri, ""), summary))
            search_rows.append(
                (i, label, " ".join(alts.get(iri, [])), " ".join(notes.get(iri, [])))
            )
            for key in FACET_KEYS:
                facet_rows += [(i, key, v) for v in sorted(facets[key].get(iri, ()))]
            class_rows += [(i, t) for t in sorted(all_types[iri])]
        db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?)", entity_rows)
        db.executemany(
            "INSERT INTO search(rowid, label, alt, note) VALUES (?, ?, ?, ?)", search_rows
        )
        db.executemany("INSERT OR IGNORE INTO facet VALUES (?, ?, ?)", facet_rows)
        db.executemany("INSERT OR IGNORE INTO class VALUES (?, ?)", class_rows)
        used = {v for key in FACET_KEYS for vs in facets[key].values() for v in vs}
        db.executemany(
            "INSERT OR REPLACE INTO term VALUES (?, ?)",
            [(v, terms[v]) for v in sorted(used) if v in terms and v not in kinds]
            + [(t, label) for t, label in sorted(terms.items()) if t.startswith(self.sg)],
        )
        db.commit()
        return Catalogue(db, self.base, self.prefixes)

    def term_labels(self) -> dict[str, str]:
        """Labels of the ontology's terms (classes, properties, roles)."""
        found: dict[str, list[ox.Literal]] = defaultdict(list)
        for t in self.gs.ontology.triples:
            if (
                t.predicate.value in LABEL_PREDICATES[:2]
                and isinstance(t.object, ox.Literal)
                and isinstance(t.subject, ox.NamedNode)
            ):
                found[t.subject.value].append(t.object)
        return {iri: min(lits, key=_lit_key).value for iri, lits in found.items()}

    def labels(self, kinds: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
        by_pred: dict[str, dict[str, list[ox.Literal]]] = defaultdict(lambda: defaultdict(list))
        alt: dict[str, set[str]] = defaultdict(set)
        values = " ".join(f"<{p}>" for p in (*LABEL_PREDICATES, *ALT_PREDICATES))
        for row in self.select(
            f"SELECT ?e ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?e ?p ?l FILTER(isLiteral(?l)) }}"
        ):
            e, p, lit = row["e"], row["p"], row["l"]
            if e is None or e.value not in kinds or not isinstance(lit, ox.Literal):
                continue
            if p is not None and p.value in ALT_PREDICATES:
                alt[e.value].add(lit.value)
            elif p is not None:
                by_pred[e.value][p.value].append(lit)
        labels: dict[str, str] = {}
        alts: dict[str, list[str]] = {}
        for iri, preds in by_pred.items():
            for p in LABEL_PREDICATES:
                if preds.get(p):
                    labels[iri] = min(preds[p], key=_lit_key).value
                    break
            others = {lit.value for lits in preds.values() for lit in lits} - {labels.get(iri)}
            alt[iri] |= {o for o in others if o}
        for iri, names in alt.items():
            alts[iri] = sorted(names - {labels.get(iri, "")})
        return labels, alts

    def texts(self, kinds: dict[str, str], predicates: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        values = " ".join(f"<{p}>" for p in predicates)
        for row in self.select(
            f"SELECT ?e ?l WHERE {{ VALUES ?p {{ {values} }} ?e ?p ?l FILTER(isLiteral(?l)) }}"
        ):
            e, lit = row["e"], row["l"]
            if e is not None and e.value in kinds and lit is not None:
                out[e.value].append(lit.value)
        return {k: sorted(set(v)) for k, v in out.items()}

    def dates(self, kinds: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in self.select(
            "SELECT ?e (MIN(STR(?d)) AS ?date) WHERE { "
            "{ ?e dcterms:issued ?d } UNION { ?e sg:startDate ?d } UNION { ?e sg:enactedOn ?d } "
            "} GROUP BY ?e"
        ):
            e, d = row["e"], row["date"]
            if e is not None and e.value in kinds and d is not None:
                out[e.value] = d.value
        return out

    def facets(self, kinds: dict[str, str]) -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = {}
        for facet in FACETS:
            values: dict[str, set[str]] = defaultdict(set)
            for row in self.select(f"SELECT DISTINCT ?e ?v WHERE {{ {facet.pattern} }}"):
                e, v = row["e"], row["v"]
                if e is not None and e.value in kinds and v is not None and v.value:
                    values[e.value].add(v.value)
            out[facet.key] = values
        return out

    def membership_labels(
        self, kinds: dict[str, str], labels: dict[str, str], terms: dict[str, str]
    ) -> dict[str, str]:
        """'Person — Role — Organisation (from X to Y)' for every membership."""
        out: dict[str, str] = {}
        for row in self.select(
            "SELECT ?m ?person ?role ?org (SAMPLE(STR(?s)) AS ?start) (SAMPLE(STR(?end)) AS ?e) "
            "WHERE { ?m a sg:Membership . OPTIONAL { ?m org:member ?person } "
            "OPTIONAL { ?m org:role ?role } OPTIONAL { ?m org:organization ?org } "
            "OPTIONAL { ?m sg:startDate ?s } OPTIONAL { ?m sg:endDate ?end } } "
            "GROUP BY ?m ?person ?role ?org"
        ):
            m = row["m"]
            if m is None or m.value not in kinds or m.value in labels:
                continue

            parts = []
            for var in ("person", "role", "org"):
                term = row[var]
                if term is not None:
                    parts.append(
                        labels.get(term.value) or terms.get(term.value) or _local(term.value)
                    )
            start, end = row["start"], row["e"]
            when = ""
            if start is not None and end is not None:
                when = f" ({start.value} to {end.value})"
            elif start is not None:
                when = f" (from {start.value})"
            elif end is not None:
                when = f" (until {end.value})"
            if parts:
                out[m.value] = " — ".join(parts) + when
        return out


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1].replace("-", " ")


__all__ = [
    "FACETS",
    "KINDS",
    "Catalogue",
    "Facet",
    "FacetCounts",
    "FacetValue",
    "Item",
    "Kind",
    "Page",
    "closest_iris",
]
