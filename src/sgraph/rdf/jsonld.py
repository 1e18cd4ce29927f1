"""JSON-LD with a context of our own: readable keys, deterministic, expands offline.

The context (``context.jsonld``) maps every prefix the project uses, a readable key for every
``sg:`` class and property, and a readable key for the standard properties the graph uses whose
local name is unambiguous (``title``, ``issued``, ``creator``, ``publisher``, ``name`` ...). A key
is coerced to ``@id`` when all its values in the graph are IRIs, and to a datatype when all its
values are literals of non-string types (the most frequent one: ``xsd:date`` for dates). Values that
do not fit their key's coercion are written as full value objects, so the document always expands
to exactly the triples it was written from.

The dump embeds the context inline (no network needed to expand it); ``context.jsonld`` is the same
context as a file, for documents that reference it.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, TextIO

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE
from sgraph.rdf.stats import BLANK, IRI, GraphStats
from sgraph.serialize import copy_text
from sgraph.terms import RDF_LANGSTRING, XSD_STRING, OxSubject, OxTerm, sort_key

_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYWORDS_AS_TERMS = {"type", "id", "context", "graph", "value", "language", "base", "vocab"}
#: When two standard properties share a local name, the first namespace here gets the short key.
_PRECEDENCE = (
    "dcterms",
    "foaf",
    "rdfs",
    "skos",
    "org",
    "prov",
    "dcat",
    "time",
    "cito",
    "bibo",
    "schema",
)


@lru_cache(maxsize=64)
def _longest_first(items: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(items, key=lambda kv: (-len(kv[1]), kv[0])))


def _shorten(iri: str, prefixes: dict[str, str]) -> str:
    """A compact IRI ``prefix:suffix`` (longest namespace), or the IRI itself."""
    for pfx, ns in _longest_first(tuple(prefixes.items())):
        if iri.startswith(ns):
            suffix = iri[len(ns) :]
            if suffix and not suffix.startswith("//") and not any(c.isspace() for c in suffix):
                return f"{pfx}:{suffix}"
    return iri


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def build_context(
    stats: GraphStats,
    prefixes: dict[str, str],
    own_namespace: str,
    ontology_triples: Iterable[ox.Triple] = (),
) -> dict[str, Any]:
    """The ``@context`` object (keys sorted) for a graph summarised by ``stats`` and the ontology."""
    objects: dict[str, Counter[str]] = {p: Counter(k) for p, k in stats.objects.items()}
    classes: set[str] = set(stats.class_members)
    owl = "http://www.w3.org/2002/07/owl#"
    property_types = {owl + "ObjectProperty", owl + "DatatypeProperty", owl + "AnnotationProperty"}
    ontology_triples = list(ontology_triples)
    for t in ontology_triples:
        if (
            t.predicate.value == RDF_TYPE
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.NamedNode)
        ):
            if t.object.value in property_types:
                objects.setdefault(t.subject.value, Counter())
            elif t.object.value == owl + "Class" and t.subject.value.startswith(own_namespace):
                classes.add(t.subject.value)
    object_properties = {
        str(t.subject.value)
        for t in ontology_triples
        if t.predicate.value == RDF_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and t.object == ox.NamedNode(owl + "ObjectProperty")
    }
    objects.pop(RDF_TYPE, None)

    ctx: dict[str, Any] = dict(prefixes)
    taken: set[str] = set(prefixes) | _KEYWORDS_AS_TERMS
    # our own terms first: their local names
    own = sorted(i for i in set(objects) | classes if i.startswith(own_namespace))
    standard = sorted(i for i in objects if not i.startswith(own_namespace))
    for iri in own:
        name = _local(iri)
        if _KEY_RE.match(name) and name not in taken:
            ctx[name] = _definition(iri, objects.get(iri), prefixes, iri in object_properties)
            taken.add(name)
    rank = {ns: i for i, ns in enumerate(prefixes[p] for p in _PRECEDENCE if p in prefixes)}

    def precedence(iri: str) -> tuple[int, str]:
        ns = max((n for n in rank if iri.startswith(n)), key=len, default=None)
        return (rank[ns] if ns is not None else len(rank), iri)

    for iri in sorted(standard, key=precedence):
        name = _local(iri)
        if _KEY_RE.match(name) and name not in taken:
            ctx[name] = _definition(iri, objects.get(iri), prefixes, iri in object_properties)
            taken.add(name)
    return dict(sorted(ctx.items()))


def _definition(
    iri: str,
    kinds: Counter[str] | None,
    prefixes: dict[str, str],
    object_property: bool = False,
) -> Any:
    """A key's definition from the kinds of its objects (``sgraph.rdf.stats``)."""
    compact = _shorten(iri, prefixes)
    if kinds is None:  # a class
        return compact
    total = sum(kinds.values())
    if not total and object_property:
        return {"@id": compact, "@type": "@id"}
    if total and kinds[IRI] == total:
        return {"@id": compact, "@type": "@id"}
    literal_types = Counter(
        {dt: n for dt, n in kinds.items() if dt not in (IRI, BLANK, XSD_STRING, RDF_LANGSTRING)}
    )
    if total and sum(literal_types.values()) == total:
        best = sorted(literal_types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return {"@id": compact, "@type": _shorten(best, prefixes)}
    return {"@id": compact}


class _Compactor:
    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v[-1:] in "/#"}
        self.keys: dict[str, tuple[str, str | None]] = {}  # predicate IRI -> (key, coercion)
        self.class_terms: dict[str, str] = {}
        self._compact: dict[str, str] = {}
        for key, definition in context.items():
            if isinstance(definition, dict):
                iri = self.expand(definition["@id"])
                self.keys[iri] = (key, definition.get("@type"))
            elif key not in self.prefixes:
                self.class_terms[self.expand(definition)] = key

    def expand(self, value: str) -> str:
        pfx, sep, rest = value.partition(":")
        if sep and pfx in self.prefixes:
            return self.prefixes[pfx] + rest
        return value

    def iri(self, iri: str) -> str:
        compact = self._compact.get(iri)
        if compact is None:
            compact = self._compact[iri] = _shorten(iri, self.prefixes)
        return compact

    def key(self, predicate: str) -> tuple[str, str | None]:
        return self.keys.get(predicate, (self.iri(predicate), None))

    def value(self, term: OxTerm, coercion: str | None) -> Any:
        if isinstance(term, ox.NamedNode):
            compact = self.iri(term.value)
            return compact if coercion == "@id" else {"@id": compact}
        if isinstance(term, ox.BlankNode):
            return {"@id": f"_:{term.value}"}
        if isinstance(term, ox.Triple):
            raise ValueError("RDF-star quoted triples cannot be written as JSON-LD 1.1")
        if term.language:
            return {"@language": term.language, "@value": term.value}
        dt = term.datatype.value
        if dt == XSD_STRING:
            return term.value if coercion is None else {"@value": term.value}
        if coercion is not None and coercion != "@id" and self.expand(coercion) == dt:
            return term.value
        return {"@type": self.iri(dt), "@value": term.value}


_string = json.encoder.encode_basestring  # the C version, as json.dumps(ensure_ascii=False)


def _dumps(value: Any, newline: str) -> str:
    """``json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)`` with every line after the
    first starting with ``newline``'s indentation: the same text, written without the pure-Python
    encoder that ``json.dumps`` falls back to whenever ``indent`` is given (4x faster)."""
    if isinstance(value, str):
        return _string(value)
    inner = newline + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{_string(k)}: {_dumps(value[k], inner)}" for k in sorted(value)]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_dumps(v, inner) for v in value) + newline + "]"
    return json.dumps(value)


class JsonLdWriter:
    """A compacted JSON-LD document written one node (subject) at a time.

    Nodes must come sorted by subject (``sgraph.serialize.group_by_subject``); each is the
    ``json.dumps`` of the node at its depth in the document, so the result is byte for byte the
    ``json.dumps(..., indent=1, sort_keys=True)`` of the whole document, without holding it.
    """

    def __init__(self, context: dict[str, Any], body: TextIO | None = None) -> None:
        self.context = context
        self.c = _Compactor(context)
        self.body = body if body is not None else io.StringIO()
        self.nodes = 0

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None:
        if isinstance(subject, ox.Triple):
            raise ValueError("RDF-star quoted triples cannot be written as JSON-LD 1.1")
        c = self.c
        values: dict[str, list[tuple[tuple[Any, ...], Any]]] = {}
        types: list[ox.NamedNode] = []
        for t in set(triples):
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                types.append(t.object)
                continue
            key, coercion = c.key(t.predicate.value)
            values.setdefault(key, []).append((sort_key(t.object), c.value(t.object, coercion)))
        sid = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else c.iri(subject.value)
        node: dict[str, Any] = {"@id": sid}
        if types:
            names = sorted({c.class_terms.get(o.value, c.iri(o.value)) for o in types})
            node["@type"] = names[0] if len(names) == 1 else names
        for key in sorted(values):
            vals = [v for _, v in sorted(values[key], key=lambda kv: kv[0])]
            node[key] = vals[0] if len(vals) == 1 else vals
        self.body.write(("  " if not self.nodes else ",\n  ") + _dumps(node, "\n  "))
        self.nodes += 1

    def finish(self, out: TextIO) -> None:
        if not self.nodes:
            out.write(_dumps({"@context": self.context, "@graph": []}, "\n") + "\n")
            return
        out.write('{\n "@context": ' + _dumps(self.context, "\n ") + ',\n "@graph": [\n')
        copy_text(self.body, out)
        out.write("\n ]\n}\n")


def context_document(context: dict[str, Any]) -> str:
    return json.dumps({"@context": context}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
