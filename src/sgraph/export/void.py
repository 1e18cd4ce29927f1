"""``void.ttl``: the dataset described with VoID and DCAT 3.

Everything in it is computed from the graph and the dump files, so it is the same every run:

* ``void:triples`` is the exact number of distinct triples in the dumps;
* ``dcterms:modified`` is the release date: ``SGRAPH_RELEASE_DATE`` (YYYY-MM-DD) or
  ``SOURCE_DATE_EPOCH`` when set, otherwise the newest full date the graph itself records
  (the ontology's ``dcterms:created``/``dcterms:modified``, publications' ``dcterms:issued``): an
  honest "data as of", never the clock of the machine that ran the build;
* download URLs are ``SGRAPH_DOWNLOAD_BASE`` (default ``{base}dumps/``) plus the file name;
* the SPARQL endpoint is ``SGRAPH_SPARQL_ENDPOINT`` (default ``{base}sparql``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from sgraph import environment
from sgraph.errors import InputError
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.rdf.stats import GraphStats, stats_of_store
from sgraph.serialize import to_turtle
from sgraph.store import GraphStore

_P = STANDARD_PREFIXES
XSD_DATE = _P["xsd"] + "date"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
IANA = "http://www.iana.org/assignments/media-types/"
TITLE = "sgraph: child-safeguarding publications in England"
DESCRIPTION = (
    "A knowledge graph of child-safeguarding publications for England: reports, letters, "
    "government responses and statutory guidance; the reviews that produced them; the people, "
    "organisations and roles behind them; and the legislation they rest on. Every fact cites the "
    "page it was read from. Curated data plus standard triples (Dublin Core, FOAF, W3C ORG, "
    "OWL-Time, CiTO, BIBO, PROV-O, schema.org) materialised for consumers without a reasoner."
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class DatasetOptions:
    """Where the dataset is published. Defaults follow the base IRI."""

    download_base: str | None = None  # default {base}dumps/
    sparql_endpoint: str | None = None  # default {base}sparql
    release_date: str | None = None  # YYYY-MM-DD; default: see module docstring

    @classmethod
    def from_env(cls) -> DatasetOptions:
        release = environment.read("SGRAPH_RELEASE_DATE")
        epoch = environment.read("SOURCE_DATE_EPOCH")
        if not release and epoch:
            try:
                release = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
            except ValueError:
                raise InputError(
                    f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds",
                    hint="unset it or set it to e.g. $(git log -1 --format=%ct)",
                ) from None
        if release and not _DATE_RE.match(release):
            raise InputError(
                f"SGRAPH_RELEASE_DATE={release!r} is not a date", hint="use YYYY-MM-DD"
            )
        return cls(
            download_base=environment.read("SGRAPH_DOWNLOAD_BASE"),
            sparql_endpoint=environment.read("SGRAPH_SPARQL_ENDPOINT"),
            release_date=release or None,
        )


def package_version() -> str:
    try:
        return version("sgraph")
    except PackageNotFoundError:  # pragma: no cover - running from an unpacked tree
        return "0.0.0"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _t(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_P[prefix] + local)


def _int(n: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(n), datatype=_t("xsd", datatype))


def release_date(gs: GraphStore, options: DatasetOptions) -> str:
    if options.release_date:
        return options.release_date
    wanted = {_P["dcterms"] + "issued", _P["dcterms"] + "created", _P["dcterms"] + "modified"}
    dates = [
        t.object.value
        for t in [
            *gs.ontology.triples,
            *(
                q.triple
                for p in sorted(wanted)
                for q in gs.store.quads_for_pattern(None, ox.NamedNode(p), None, None)
            ),
        ]
        if t.predicate.value in wanted
        and isinstance(t.object, ox.Literal)
        and t.object.datatype.value == XSD_DATE
        and _DATE_RE.match(t.object.value)
    ]
    if not dates:
        raise InputError(
            "no release date: the graph records no xsd:date to date the dataset by",
            hint="set SGRAPH_RELEASE_DATE=YYYY-MM-DD",
        )
    return max(dates)


def _slug(iri: str, prefixes: dict[str, str]) -> str:
    for pfx, ns in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return f"{pfx}-{local}"
    return re.sub(r"[^A-Za-z0-9]+", "-", iri).strip("-")


def _namespace(iri: str, prefixes: dict[str, str]) -> str:
    for ns in sorted(prefixes.values(), key=len, reverse=True):
        if iri.startswith(ns):
            return ns
    m = re.match(r"^(.*[#/])[^#/]*$", iri)
    return m.group(1) if m else iri


def void_triples(
    gs: GraphStore,
    files: dict[str, int],
    options: DatasetOptions | None = None,
    stats: GraphStats | None = None,
) -> list[ox.Triple]:
    """The description; ``files`` maps each dump's file name to its size in bytes.

    ``stats`` summarises the published union of the dataset when the caller has it already
    (``sgraph.rdf.stats.stats_of_store``); it is computed from ``gs`` otherwise.
    """
    options = options or DatasetOptions.from_env()
    base = gs.settings.base
    prefixes = gs.prefixes
    download = options.download_base or base + "dumps/"
    endpoint = options.sparql_endpoint or base + "sparql"
    if stats is None:
        stats = stats_of_store(gs.store)
    ds = _n(base + "dataset")
    publisher = _n(base + "dataset/publisher")
    a = _n(RDF_TYPE)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, p, o))

    en = "en"
    add(ds, a, _t("void", "Dataset"))
    add(ds, a, _t("dcat", "Dataset"))
    add(ds, _t("dcterms", "title"), ox.Literal(TITLE, language=en))
    add(ds, _t("dcterms", "description"), ox.Literal(DESCRIPTION, language=en))
    add(ds, _t("dcterms", "license"), _n(LICENCE))
    add(ds, _t("dcterms", "publisher"), publisher)
    add(ds, _t("dcterms", "creator"), publisher)
    add(ds, _t("dcterms", "modified"), ox.Literal(release_date(gs, options), datatype=_n(XSD_DATE)))
    add(ds, _t("dcat", "version"), ox.Literal(package_version()))
    add(ds, _t("owl", "versionInfo"), ox.Literal(package_version()))
    add(ds, _t("dcterms", "language"), _n("http://id.loc.gov/vocabulary/iso639-1/en"))
    add(ds, _t("dcterms", "spatial"), _n("https://www.geonames.org/6269131/"))
    for kw in ("child safeguarding", "safeguarding practice reviews", "England", "linked data"):
        add(ds, _t("dcat", "keyword"), ox.Literal(kw, language=en))
    add(ds, _t("dcterms", "conformsTo"), _n(base + "ontology"))
    add(ds, _t("void", "uriSpace"), ox.Literal(base + "id/"))
    add(ds, _t("void", "sparqlEndpoint"), _n(endpoint))
    add(ds, _t("void", "rootResource"), _n(base + "ontology"))
    add(
        ds,
        _t("void", "exampleResource"),
        _n(base + "id/organisation/child-safeguarding-practice-review-panel"),
    )
    add(publisher, a, _t("foaf", "Agent"))
    add(publisher, a, _t("foaf", "Organization"))
    add(publisher, _t("foaf", "name"), ox.Literal("sgraph contributors"))

    # statistics
    by_property = stats.by_property
    class_members = stats.class_members
    add(ds, _t("void", "triples"), _int(stats.triples))
    add(ds, _t("void", "entities"), _int(len(gs.entities())))
    add(ds, _t("void", "distinctSubjects"), _int(stats.distinct_subjects))
    add(ds, _t("void", "distinctObjects"), _int(stats.distinct_objects))
    add(ds, _t("void", "properties"), _int(len(by_property)))
    add(ds, _t("void", "classes"), _int(len(class_members)))
    for cls in sorted(class_members):
        part = _n(f"{base}dataset/partition/class/{_slug(cls, prefixes)}")
        add(ds, _t("void", "classPartition"), part)
        add(part, a, _t("void", "Dataset"))
        add(part, _t("void", "class"), _n(cls))
        add(part, _t("void", "entities"), _int(class_members[cls]))
    for prop in sorted(by_property):
        part = _n(f"{base}dataset/partition/property/{_slug(prop, prefixes)}")
        add(ds, _t("void", "propertyPartition"), part)
        add(part, a, _t("void", "Dataset"))
        add(part, _t("void", "property"), _n(prop))
        add(part, _t("void", "triples"), _int(by_property[prop]))
    vocabularies = {_namespace(p, prefixes) for p in by_property} | {
        _namespace(c, prefixes) for c in class_members
    }
    for ns in sorted(vocabularies):
        if not ns.startswith(base + "id/"):
            add(ds, _t("void", "vocabulary"), _n(ns))

    # distributions: one per dump and per gzipped copy
    for fmt in GRAPH_FORMATS.values():
        assert fmt.w3c is not None
        add(ds, _t("void", "feature"), _n(fmt.w3c))
        for name, compressed in ((fmt.filename, False), (fmt.filename + ".gz", True)):
            if name not in files:
                continue
            dist = _n(f"{base}dataset/distribution/{name}")
            url = _n(download + name)
            add(ds, _t("dcat", "distribution"), dist)
            add(ds, _t("void", "dataDump"), url)
            add(dist, a, _t("dcat", "Distribution"))
            title = f"The whole graph as {fmt.label}" + (", gzipped" if compressed else "")
            add(dist, _t("dcterms", "title"), ox.Literal(title, language=en))
            add(dist, _t("dcat", "downloadURL"), url)
            add(dist, _t("dcat", "accessURL"), url)
            add(dist, _t("dcat", "mediaType"), _n(IANA + fmt.media_type))
            add(dist, _t("dcterms", "format"), _n(fmt.w3c))
            if compressed:
                add(dist, _t("dcat", "compressFormat"), _n(IANA + "application/gzip"))
            add(dist, _t("dcat", "byteSize"), _int(files[name], "nonNegativeInteger"))
            add(dist, _t("dcterms", "license"), _n(LICENCE))
    return out


def void_turtle(
    gs: GraphStore,
    files: dict[str, int],
    options: DatasetOptions | None = None,
    stats: GraphStats | None = None,
) -> str:
    prefixes = {**gs.prefixes, "sgds": gs.settings.base + "dataset/"}
    return to_turtle(
        void_triples(gs, files, options, stats),
        prefixes,
        "VoID and DCAT description of the sgraph dataset. Generated by `sgraph build`: do not edit.",
    )


def dump_sizes(folder: Path) -> dict[str, int]:
    names = [f.filename for f in GRAPH_FORMATS.values()]
    return {
        name: (folder / name).stat().st_size
        for n in names
        for name in (n, n + ".gz")
        if (folder / name).is_file()
    }
