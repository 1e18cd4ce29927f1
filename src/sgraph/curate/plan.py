"""From entries to items: reconcile each entry, and mint what is new, as triples per entity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from sgraph.curate.entries import AgentKind, AgentRef, Entry, Role
from sgraph.curate.names import CITED_PERSON_RE, label_key, parse_person, slugify, words
from sgraph.curate.pubtypes import infer_type
from sgraph.curate.reconcile import GraphIndex, Known, Match, Status
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES, XSD, all_prefixes

_P = STANDARD_PREFIXES

_ORG_WORDS = frozenset(
    [
        "department",
        "panel",
        "university",
        "centre",
        "center",
        "council",
        "office",
        "trust",
        "board",
        "partnership",
        "institute",
        "school",
        "college",
        "agency",
        "service",
        "services",
        "nhs",
        "commission",
        "committee",
        "government",
        "ministry",
        "foundation",
        "society",
        "association",
        "programme",
        "program",
        "network",
        "group",
        "unit",
        "authority",
        "police",
        "constabulary",
        "education",
        "health",
        "children",
        "childrens",
        "safeguarding",
        "works",
        "court",
        "parliament",
        "house",
        "ltd",
        "limited",
        "charity",
        "nspcc",
        "ofsted",
        "inspectorate",
        "alliance",
        "federation",
        "union",
    ]
)


def looks_like_person(name: str) -> bool:
    """ "Dickens, J." or two to four capitalised words with no organisation word."""
    if CITED_PERSON_RE.match(name.strip()):
        return True
    tokens = name.split()
    if not 2 <= len(tokens) <= 4 or any(ch.isdigit() for ch in name):
        return False
    if any(w in _ORG_WORDS for w in words(name)):
        return False
    return all(t[:1].isupper() for t in tokens)


@dataclass
class AgentResult:
    name: str
    role: Role
    kind: AgentKind
    status: Status
    entity: str | None
    how: str = ""
    candidates: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "status": self.status, "entity": self.entity}


@dataclass
class NewEntity:
    """Statements about one entity this run would add, and the file-block comment it gets."""

    iri: str
    kind: str  # publication, person, organisation, review, source
    comment: str
    triples: list[ox.Triple]
    line: int  # input line that introduced it


@dataclass
class Item:
    """The outcome for one input line or record."""

    line: int
    input: str
    status: str
    entity: str | None = None
    title: str | None = None
    type: str | None = None
    date: str | None = None
    agents: list[AgentResult] = field(default_factory=list)
    message: str = ""
    new: list[NewEntity] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "input": self.input,
            "status": self.status,
            "entity": self.entity,
            "title": self.title,
            "type": self.type,
            "date": self.date,
            "agents": [a.to_json() for a in self.agents],
            "message": self.message,
        }


def date_literal(date: str) -> ox.Literal:
    dt = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(date)]
    return ox.Literal(date, datatype=ox.NamedNode(XSD + dt))


def file_source_iri(path: Path) -> str:
    """The IRI a local input file is cited by when it gives no ``# source:`` URL."""
    return path.resolve().as_uri()


class Planner:
    """Reconciles entries one by one against ``index``; new entities join the index as they are
    minted, so a later line reuses what an earlier line adds."""

    def __init__(self, index: GraphIndex, input_path: Path, file_source: str | None) -> None:
        self.index = index
        self.base = index.base
        self.sg = index.sg
        self.prefixes = all_prefixes(index.base)
        self.input_path = input_path
        self.file_source = file_source or file_source_iri(input_path)
        self.minted: dict[str, int] = {}  # new IRI -> line that introduced it
        self.pending_agents: dict[tuple[str, str], str] = {}

    # -- terms ----------------------------------------------------------------------------
    def _sg(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.sg + local)

    @staticmethod
    def _std(prefix: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(_P[prefix] + local)

    def _unique_iri(self, kind: str, slug: str) -> str:
        slug = slug or kind
        stem = self.base + f"id/{kind}/"
        iri, n = stem + slug, 2
        while iri in self.index.entities or iri in self.minted:
            iri, n = f"{stem}{slug}-{n}", n + 1
        return iri

    # -- agents ---------------------------------------------------------------------------
    def _match_agent(self, ref: AgentRef) -> AgentResult:
        idx = self.index
        kind: AgentKind
        m: Match
        if ref.kind == "person":
            kind, m = "person", idx.match_person(ref.name)
        elif ref.kind == "organisation":
            kind, m = "organisation", idx.match_organisation(ref.name)
        else:
            m = idx.match_organisation(ref.name)
            kind = "organisation"
            if m.status == "new" and looks_like_person(ref.name):
                kind, m = "person", idx.match_person(ref.name)
        return AgentResult(ref.name, ref.role, kind, m.status, m.entity, m.how, m.candidates)

    def _mint_agent(self, agent: AgentResult, source: str, line: int) -> NewEntity | None:
        """Give a new agent its IRI (shared by every mention in this run)."""
        if agent.kind == "person":
            person = parse_person(agent.name)
            name = person.display() if person else agent.name.strip()
        else:
            name = agent.name.strip()
        key = (agent.kind, label_key(name))
        if key in self.pending_agents:
            agent.entity = self.pending_agents[key]
            return None
        iri = self._unique_iri(agent.kind, slugify(name, 8))
        agent.entity = iri
        self.pending_agents[key] = iri
        self.minted[iri] = line
        s = ox.NamedNode(iri)
        a = ox.NamedNode(RDF_TYPE)
        if agent.kind == "person":
            cls = "Person"
        elif "university" in words(name):
            cls = "University"
        elif re.match(r"^department (for|of)\b", label_key(name)):
            cls = "GovernmentDepartment"
        else:
            cls = "Organisation"
        triples = [
            ox.Triple(s, a, self._sg(cls)),
            ox.Triple(s, self._std("foaf", "name"), ox.Literal(name)),
            ox.Triple(s, self._std("dcterms", "source"), ox.NamedNode(source)),
        ]
        self.index.add(Known(iri, agent.kind, names=[name], types={self.sg + cls}))
        return NewEntity(iri, agent.kind, name, triples, line)

    def _mint_source(self, source: str, line: int) -> NewEntity | None:
        if source in self.index.sources or source in self.minted:
            return None
        self.minted[source] = line
        s = ox.NamedNode(source)
        if source.startswith("file:"):
            title = f"Reference list {self.input_path.name}"
            comment_block = f"Local file {self.input_path.name}"
            note = (
                "A local file of references or records read by `sgraph add`; put a "
                "'# source: URL' line (or a source field) in it to cite the page it came from."
            )
        else:
            host = urlsplit(source).hostname or source
            title = f"Source page on {host}"
            comment_block = title
            note = f"Publications added with `sgraph add` from {self.input_path.name}."
        triples = [
            ox.Triple(s, ox.NamedNode(RDF_TYPE), self._sg("Source")),
            ox.Triple(s, self._std("dcterms", "title"), ox.Literal(title, language="en")),
            ox.Triple(s, self._std("rdfs", "comment"), ox.Literal(note, language="en")),
        ]
        self.index.sources.add(source)
        return NewEntity(source, "source", comment_block, triples, line)

    def _recipient_from_title(self, title: str) -> AgentResult | None:
        """ "Letter to Annie Hudson from ..." -> Annie Hudson, only if the graph knows her."""
        m = re.match(
            r"^letter to (?P<name>.+?)(?: (?:from|about|on|regarding|notifying|setting)\b.*)?$",
            title.strip(),
            re.I,
        )
        if not m:
            return None
        result = self._match_agent(AgentRef(m.group("name").strip(" ,."), "recipient", None))
        return result if result.status == "matched" else None

    # -- one entry ------------------------------------------------------------------------
    def plan(self, entry: Entry) -> Item:
        item = Item(
            line=entry.line,
            input=entry.input,
            status="error",
            title=entry.title or None,
            date=entry.date,
        )
        if entry.error:
            item.message = entry.error
            return item
        if entry.types:
            types = entry.types
            why = "type as stated"
        else:
            inferred, why = infer_type(entry.title)
            types = [inferred]
        item.type = "sg:" + types[0]
        item.agents = [self._match_agent(ref) for ref in entry.agents]
        if "Letter" in types and not any(a.role == "recipient" for a in item.agents):
            recipient = self._recipient_from_title(entry.title)
            if recipient is not None:
                item.agents.append(recipient)
        pub = self.index.match_publication(entry.title, entry.date[:4] if entry.date else None)

        problems: list[str] = []
        links: dict[str, list[str]] = {"respondsTo": [], "concerns": []}
        ambiguous: list[str] = []
        for label, values, kinds in (
            ("respondsTo", entry.responds_to, ("publication",)),
            ("concerns", entry.about, ("concept", "legislation")),
        ):
            for value in values:
                if kinds == ("publication",) and not value.startswith(
                    ("<", "http", "sgpub:", "sgid:")
                ):
                    m = self.index.match_publication(value, None)
                else:
                    m = self.index.match_label(value, kinds, self.prefixes)  # type: ignore[arg-type]
                field_name = "responds_to" if label == "respondsTo" else "about"
                if m.status == "matched" and m.entity:
                    links[label].append(m.entity)
                elif m.status == "ambiguous":
                    ambiguous.append(
                        f"{field_name} {value!r} fits several: " + ", ".join(m.candidates)
                    )
                else:
                    problems.append(
                        f"{field_name} {value!r}: {m.how} (add it first, or give its IRI)"
                    )

        for a in item.agents:
            if a.status == "ambiguous":
                ambiguous.append(f"{a.role} {a.name!r} fits several: " + ", ".join(a.candidates))

        if pub.status == "matched":
            item.status = "matched"
            item.entity = pub.entity
            notes = [pub.how]
            known = self.index.entities.get(pub.entity or "")
            if known is not None and self.sg + types[0] not in known.types:
                graph_types = sorted(
                    "sg:" + t[len(self.sg) :] for t in known.types if t.startswith(self.sg)
                )
                notes.append(
                    f"the input suggests sg:{types[0]} ({why}); the graph has "
                    + ", ".join(graph_types)
                )
            if pub.entity in self.minted:
                notes.append(f"added earlier in this file (line {self.minted[pub.entity]})")
            notes.extend(ambiguous)
            item.message = "; ".join(notes)
            return item
        if pub.status == "ambiguous":
            item.status = "ambiguous"
            item.message = f"{pub.how}: " + ", ".join(pub.candidates)
            if ambiguous:
                item.message += "; " + "; ".join(ambiguous)
            return item
        if problems:
            item.message = "; ".join(problems + ambiguous)
            return item
        if ambiguous:
            item.status = "ambiguous"
            item.message = "; ".join(ambiguous)
            return item

        item.status = "new"
        self._mint_publication(entry, item, types, why, links)
        return item

    def _mint_publication(
        self, entry: Entry, item: Item, types: list[str], why: str, links: dict[str, list[str]]
    ) -> None:
        source = entry.source or self.file_source
        line = entry.line
        new_source = self._mint_source(source, line)
        if new_source:
            item.new.append(new_source)
        slug = slugify(entry.title, 8)
        if entry.date and entry.date[:4] not in slug.split("-"):
            slug = f"{slug}-{entry.date[:4]}"
        iri = self._unique_iri("publication", slug)
        item.entity = iri
        self.minted[iri] = line
        for a in item.agents:
            if a.status == "new":
                minted = self._mint_agent(a, source, line)
                if minted:
                    item.new.append(minted)

        s = ox.NamedNode(iri)
        t: list[ox.Triple] = [ox.Triple(s, ox.NamedNode(RDF_TYPE), self._sg(c)) for c in types]
        t.append(
            ox.Triple(s, self._std("dcterms", "title"), ox.Literal(entry.title, language="en"))
        )
        t.extend(
            ox.Triple(s, self._std("skos", "altLabel"), ox.Literal(x, language="en"))
            for x in entry.alt_labels
        )
        if entry.date:
            t.append(ox.Triple(s, self._std("dcterms", "issued"), date_literal(entry.date)))
        role_prop = {
            "creator": "authoredBy",
            "publisher": "publishedBy",
            "recipient": "addressedTo",
        }
        commissioners: list[str] = []
        for a in item.agents:
            assert a.entity is not None
            if a.role == "commissioner":
                commissioners.append(a.entity)
            else:
                t.append(ox.Triple(s, self._sg(role_prop[a.role]), ox.NamedNode(a.entity)))
        t.extend(ox.Triple(s, self._sg("respondsTo"), ox.NamedNode(x)) for x in links["respondsTo"])
        t.extend(ox.Triple(s, self._sg("concerns"), ox.NamedNode(x)) for x in links["concerns"])
        if entry.url:
            t.append(ox.Triple(s, self._std("schema", "url"), ox.NamedNode(entry.url)))
        t.append(ox.Triple(s, self._std("dcterms", "source"), ox.NamedNode(source)))
        notes: list[str] = []
        if entry.comment:
            notes.append(entry.comment)
        if entry.et_al:
            notes.append(f'The reference names only some of the creators ("et al"): {entry.input}')
        if notes:
            t.append(
                ox.Triple(
                    s, self._std("rdfs", "comment"), ox.Literal(" ".join(notes), language="en")
                )
            )
        year = f" ({entry.date[:4]})" if entry.date else ""
        item.new.append(NewEntity(iri, "publication", f"{entry.title}{year}", t, line))
        self.index.add(
            Known(
                iri,
                "publication",
                names=[entry.title],
                alt=list(entry.alt_labels),
                year=entry.date[:4] if entry.date else None,
                types={self.sg + c for c in types},
            )
        )

        if commissioners:
            review_iri = self._unique_iri("review", slug)
            self.minted[review_iri] = line
            r = ox.NamedNode(review_iri)
            review_cls = (
                "IndependentReview"
                if types[0] in ("IndependentReviewReport", "CaseReviewAnalysis")
                else "Review"
            )
            rt = [
                ox.Triple(r, ox.NamedNode(RDF_TYPE), self._sg(review_cls)),
                ox.Triple(r, self._std("dcterms", "title"), ox.Literal(entry.title, language="en")),
                ox.Triple(r, self._std("dcterms", "source"), ox.NamedNode(source)),
            ]
            rt.extend(
                ox.Triple(r, self._sg("commissionedBy"), ox.NamedNode(x)) for x in commissioners
            )
            rt.extend(
                ox.Triple(r, self._sg("undertakenBy"), ox.NamedNode(a.entity))
                for a in item.agents
                if a.role == "creator" and a.entity
            )
            item.new.append(
                NewEntity(review_iri, "review", f"The review behind {entry.title}", rt, line)
            )
            t.insert(len(types) + 1, ox.Triple(s, self._sg("reportOf"), r))
            self.index.add(
                Known(review_iri, "review", names=[entry.title], types={self.sg + review_cls})
            )
        item.message = f"new publication ({why})"
        new_agents = [a for a in item.agents if a.status == "new"]
        if new_agents:
            item.message += "; new " + ", ".join(f"{a.kind} {a.name!r}" for a in new_agents)
