"""The OWL ontology (ontology/sgraph.ttl) against the model contract (docs/model.md) and the
standard-vocabulary notes (vocab.md)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from paths import ONTOLOGY_DIR, ROOT
from sgraph.namespaces import STANDARD_PREFIXES

ONTOLOGY_FILE = ONTOLOGY_DIR / "sgraph.ttl"
MODEL_MD = ROOT / "docs" / "model.md"
# The vocabulary notes: a copy in the repository if there is one, else the shared reference copy.
VOCAB_MD_CANDIDATES = [
    ROOT / "docs" / "reference" / "vocab.md",
    Path("/work/shared/reference/vocab.md"),
]

SG = rdflib.Namespace("https://w3id.org/sgraph/ontology#")
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/sgraph/ontology")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROJECT_BASE = "https://w3id.org/sgraph/"

# Standard terms the ontology aligns to that vocab.md does not spell out as a prefixed name or full
# IRI. Each is named in docs/model.md (the contract) and is a term of its published vocabulary:
ALIGNMENT_ALLOW_LIST = {
    # schema.org types in the core release (vocab.md only mentions "CreativeWork" unprefixed).
    "https://schema.org/CreativeWork",
    "https://schema.org/Event",
    "https://schema.org/CollegeOrUniversity",
    "https://schema.org/MedicalOrganization",
    "https://schema.org/ResearchOrganization",
    # schema:Collection (pending area of schema.org), the Collection class of model.md.
    "https://schema.org/Collection",
    # schema:affiliation (Person -> Organization), the materialised form of sg:affiliatedWith.
    "https://schema.org/affiliation",
    # listed in vocab.md unprefixed ("also `schema:legislationIdentifier`, `legislationDate`").
    "https://schema.org/legislationDate",
    # listed in vocab.md's CiTO table unprefixed ("`usesDataFrom`").
    "http://purl.org/spar/cito/usesDataFrom",
    # PROV-O's inverse of prov:wasInfluencedBy (vocab.md names only the forward property).
    "http://www.w3.org/ns/prov#influenced",
    # DCMI: the temporal coverage property and the DCMI Type vocabulary's Collection class.
    "http://purl.org/dc/terms/temporal",
    "http://purl.org/dc/dcmitype/Collection",
    # ELI terms vocab.md does not list (its ELI row lists others, from ELI 1.2): the relation of
    # a commencement order to what it commences, and the first date in force.
    "http://data.europa.eu/eli/ontology#commences",
    "http://data.europa.eu/eli/ontology#first_date_entry_in_force",
    # BIBO's and schema.org's classes for a journal article (vocab.md names FaBiO's only).
    "http://purl.org/ontology/bibo/AcademicArticle",
    "https://schema.org/ScholarlyArticle",
}

# Terms the vocabulary notes warn against (vocab.md section 2, "Traps").
FORBIDDEN = {
    "http://purl.org/spar/fabio/Work",  # FRBR Work level: publications are Expressions
    "http://purl.org/spar/fabio/Report",
    "http://purl.org/spar/fabio/Reply",
    "http://purl.org/spar/fabio/Review",  # "review of others' work", not a safeguarding review
    "http://purl.org/spar/fabio/ReviewArticle",
    "http://purl.org/spar/fabio/SystematicReview",
    "https://schema.org/Review",
    "http://purl.org/spar/cito/reviews",
    "http://data.europa.eu/eli/ontology#title",  # domain LegalExpression
    # eli:based_on (domain LegalResource) is allowed: only sg:madeUnder specialises it, whose
    # subjects are statutory instruments (sg:Legislation), as the shapes check.
}


@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def sg_terms(kinds: tuple[rdflib.URIRef, ...]) -> set[rdflib.URIRef]:
    g = ontology()
    return {
        s
        for k in kinds
        for s in g.subjects(RDF.type, k)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(str(SG))
    }


def model_sections() -> dict[str, str]:
    """docs/model.md split into its '## ' sections."""
    sections: dict[str, str] = {}
    current = ""
    for line in MODEL_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        sections[current] = sections.get(current, "") + line + "\n"
    return sections


def first_cell_sg_names(section_text: str) -> set[str]:
    names: set[str] = set()
    for line in section_text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`sg:([A-Za-z]\w*)`", first_cell))
    return names


def vocab_md() -> Path:
    for candidate in VOCAB_MD_CANDIDATES:
        if candidate.is_file():
            return candidate
    pytest.skip("vocab.md not found: copy shared/reference/vocab.md to docs/reference/vocab.md")


def vocab_iris() -> set[str]:
    """Every term IRI vocab.md spells out, as a full IRI or a prefixed name in a known namespace."""
    text = vocab_md().read_text(encoding="utf-8")
    iris = set(re.findall(r"https?://[^\s`'\"<>)|,\]]+", text))
    for prefix, ns in STANDARD_PREFIXES.items():
        for local in re.findall(rf"(?<![\w/#]){re.escape(prefix)}:([A-Za-z_][\w-]*)", text):
            iris.add(ns + local)
    return iris


# -- parsing -----------------------------------------------------------------------------------


def test_parses_with_rdflib_and_pyoxigraph_to_the_same_size() -> None:
    n_ox = len(list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)))
    assert n_ox == len(ontology()) > 300


def test_no_owl_imports_and_no_blank_nodes() -> None:
    g = ontology()
    assert list(g.triples((None, OWL.imports, None))) == []
    assert [t for t in g if any(isinstance(x, rdflib.BNode) for x in t)] == []


# -- header ------------------------------------------------------------------------------------


def test_header_has_every_required_term() -> None:
    g = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    expected = {
        DCTERMS.license: rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/"),
        OWL.versionIRI: rdflib.URIRef("https://w3id.org/sgraph/ontology/0.2.0"),
        OWL.versionInfo: rdflib.Literal("0.2.0"),
        VANN.preferredNamespacePrefix: rdflib.Literal("sg"),
        VANN.preferredNamespaceUri: rdflib.Literal(str(SG)),
    }
    for p, o in expected.items():
        assert list(g.objects(ONTOLOGY_IRI, p)) == [o], p
    for p in (DCTERMS.title, DCTERMS.description, RDFS.label):
        values = list(g.objects(ONTOLOGY_IRI, p))
        assert (
            len(values) == 1
            and isinstance(values[0], rdflib.Literal)
            and values[0].language == "en"
        ), p
    assert g.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    created = g.value(ONTOLOGY_IRI, DCTERMS.created)
    assert isinstance(created, rdflib.Literal) and created.datatype == rdflib.XSD.date


# -- terms -------------------------------------------------------------------------------------


def test_every_sg_term_has_english_label_and_definition() -> None:
    g = ontology()
    terms = sg_terms((OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual))
    assert len(terms) > 50
    problems = []
    for t in sorted(terms):
        for p in (RDFS.label, SKOS.definition):
            values = [
                v for v in g.objects(t, p) if isinstance(v, rdflib.Literal) and v.language == "en"
            ]
            if len(values) != 1:
                problems.append(f"{t} needs exactly one {p} @en, has {len(values)}")
    assert problems == []


def test_every_class_in_model_md_exists() -> None:
    sections = model_sections()
    names = first_cell_sg_names(sections["Classes (`sg:`), with their alignments"])
    assert {"Publication", "Review", "Person", "Membership", "Collection"} <= names
    classes = {str(c) for c in sg_terms((OWL.Class,))}
    assert sorted(n for n in names if str(SG[n]) not in classes) == []
    # and nothing is declared that the contract does not name
    assert sorted(c for c in classes if c.removeprefix(str(SG)) not in names) == []


def test_every_property_in_model_md_exists_with_the_right_kind() -> None:
    names = first_cell_sg_names(model_sections()["Properties"])
    assert {"authoredBy", "respondsTo", "startDate", "endDate", "enactedOn"} <= names
    objects = {str(p) for p in sg_terms((OWL.ObjectProperty,))}
    data = {str(p) for p in sg_terms((OWL.DatatypeProperty,))}
    dated = {
        "startDate",
        "endDate",
        "enactedOn",
        "madeOn",
        "inForceOn",
        "attestedOn",
        "authorOrder",
    }
    assert sorted(n for n in names - dated if str(SG[n]) not in objects) == []
    assert sorted(n for n in dated if str(SG[n]) not in data) == []
    assert not (objects & data)
    assert sorted(p for p in objects | data if p.removeprefix(str(SG)) not in names) == []


def test_class_alignments_match_model_md() -> None:
    """Each ⊑ listed in the classes tables of model.md is an rdfs:subClassOf in the ontology."""
    g = ontology()
    section = model_sections()["Classes (`sg:`), with their alignments"]
    prefixes = {**STANDARD_PREFIXES, "sg": str(SG)}
    checked = 0
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not cells[1].strip().startswith("`sg:"):
            continue
        cls = rdflib.URIRef(str(SG) + cells[1].strip().strip("`")[3:])
        # only the terms before any parenthesis are superclasses; the rest is commentary
        supers_text = cells[2].split("(")[0]
        for pfx, local in re.findall(r"`(\w+):(\w+)`", supers_text):
            assert (cls, RDFS.subClassOf, rdflib.URIRef(prefixes[pfx] + local)) in g, (
                cls,
                pfx,
                local,
            )
            checked += 1
    assert checked > 40


def test_property_alignments_match_model_md() -> None:
    """Each materialised superproperty of an sg: property in model.md is an rdfs:subPropertyOf.

    Only the terms before a ";" in the cell are superproperties; what follows is standard
    structure the rules make (qualified associations ...). The properties whose standard form is
    made by the rules only (dates, author lists, offices, kinds) are documented in skos:note."""
    g = ontology()
    prefixes = {**STANDARD_PREFIXES, "sg": str(SG)}
    checked = 0
    for line in model_sections()["Properties"].splitlines():
        cells = line.split("|")
        if len(cells) < 5:
            continue
        names = re.findall(r"`sg:(\w+)`", cells[1])
        if len(names) != 1 or names[0] in RULE_MADE:
            continue
        prop = SG[names[0]]
        supers = {
            rdflib.URIRef(prefixes[p] + name)
            for p, name in re.findall(r"`(\w+):(\w+)`", cells[3].split(";")[0])
        }
        closure = set(g.transitive_objects(prop, RDFS.subPropertyOf)) - {prop}
        assert supers <= closure, (prop, sorted(supers - closure))
        checked += len(supers)
    assert checked > 30


#: sg: properties whose standard triples the rules make (ontology/rules/), not subPropertyOf.
RULE_MADE = {"startDate", "endDate", "authorOrder", "attestedOn", "post", "publicationClass"}


def test_rule_made_properties_say_so() -> None:
    g = ontology()
    for name in sorted(RULE_MADE):
        notes = [v for v in g.objects(SG[name], SKOS.note) if isinstance(v, rdflib.Literal)]
        assert notes and "build materialises" in str(notes[0]), name


def test_standard_alignment_targets_are_known_terms() -> None:
    g = ontology()
    known = vocab_iris() | ALIGNMENT_ALLOW_LIST
    referenced = {
        str(o)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.broader, OWL.equivalentClass)
        for o in g.objects(None, p)
        if not str(o).startswith(PROJECT_BASE)
    }
    assert len(referenced) > 40
    assert sorted(referenced - known) == []


def test_allow_list_is_needed() -> None:
    """An allow-list entry that vocab.md now lists, or that the ontology no longer uses, goes."""
    g = ontology()
    used = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in g.objects(None, p)}
    assert sorted(ALIGNMENT_ALLOW_LIST & vocab_iris()) == []
    assert sorted(ALIGNMENT_ALLOW_LIST - used) == []


def test_no_trap_terms() -> None:
    g = ontology()
    used = {str(x) for t in g for x in t if isinstance(x, rdflib.URIRef)}
    assert sorted(used & FORBIDDEN) == []


def test_no_domain_or_range_on_sg_properties() -> None:
    """Intended subjects/objects are schema:domainIncludes/rangeIncludes: no inference side-effects."""
    g = ontology()
    props = sg_terms((OWL.ObjectProperty, OWL.DatatypeProperty))
    assert [p for p in props if (p, RDFS.domain, None) in g or (p, RDFS.range, None) in g] == []
    assert all(g.value(p, SCHEMA.domainIncludes) is not None for p in props)
    assert all(g.value(p, SCHEMA.rangeIncludes) is not None for p in props)


def test_every_used_standard_term_is_declared() -> None:
    """External terms in alignments are declared locally (the ontology imports nothing)."""
    g = ontology()
    undeclared = sorted(
        str(o)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf)
        for o in g.objects(None, p)
        if (o, RDF.type, None) not in g
    )
    assert undeclared == []


# -- roles -------------------------------------------------------------------------------------


ORG = rdflib.Namespace("http://www.w3.org/ns/org#")


@pytest.mark.parametrize("role", ["chair", "member", "minister"])
def test_role_individuals(role: str) -> None:
    g = ontology()
    r = SG[role]
    for cls in (SG.Role, ORG.Role, SKOS.Concept, OWL.NamedIndividual):
        assert (r, RDF.type, cls) in g
    labels = list(g.objects(r, SKOS.prefLabel))
    assert len(labels) == 1 and isinstance(labels[0], rdflib.Literal) and labels[0].language == "en"
    assert (r, SKOS.inScheme, SG.roles) in g
    assert (SG.roles, RDF.type, SKOS.ConceptScheme) in g


def test_chair_is_the_org_head_role() -> None:
    g = ontology()
    assert (SG.chair, SKOS.broader, ORG.Head) in g
    assert (SG.chair, ORG.roleProperty, ORG.headOf) in g
