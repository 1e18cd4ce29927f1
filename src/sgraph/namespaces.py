"""The namespaces sgraph uses, and the prefixes it writes them with."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE: Final = "https://w3id.org/sgraph/"

#: Standard namespaces, by preferred prefix (as in docs/model.md and shared vocab notes).
STANDARD_PREFIXES: Final[dict[str, str]] = {
    "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "fabio": "http://purl.org/spar/fabio/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RDF_TYPE: Final = STANDARD_PREFIXES["rdf"] + "type"
RDFS_LABEL: Final = STANDARD_PREFIXES["rdfs"] + "label"
RDFS_SUBCLASSOF: Final = STANDARD_PREFIXES["rdfs"] + "subClassOf"
RDFS_SUBPROPERTYOF: Final = STANDARD_PREFIXES["rdfs"] + "subPropertyOf"
XSD: Final = STANDARD_PREFIXES["xsd"]


def project_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The project's own prefixes under ``base``."""
    return {
        "sg": base + "ontology#",
        "sgsh": base + "shapes#",
        "sgid": base + "id/",
        "sggraph": base + "graph/",
        "sgpub": base + "id/publication/",
        "sgrev": base + "id/review/",
        "sgorg": base + "id/organisation/",
        "sgper": base + "id/person/",
        "sgmem": base + "id/membership/",
        "sgpst": base + "id/post/",
        "sgcon": base + "id/concept/",
        "sgsch": base + "id/scheme/",
        "sgprd": base + "id/period/",
        "sgcol": base + "id/collection/",
    }


def all_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Project and standard prefixes together, project first."""
    return {**project_prefixes(base), **STANDARD_PREFIXES}
