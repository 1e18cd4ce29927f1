"""Which media types the endpoint offers for each kind of result, and their format names.

Format names are those of ``sgraph.sparql.FORMATS``. Several media types may ask for the same
format (``application/json`` for SPARQL JSON results); the first listed for a format is the one
the response is labelled with.
"""

from __future__ import annotations

#: SELECT and ASK results: media type -> format name.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}

#: CONSTRUCT and DESCRIBE results (and the service description): media type -> format name.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}

#: Response Content-Type per format name.
CONTENT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}

#: W3C format IRIs (https://www.w3.org/ns/formats/) for the service description.
FORMAT_IRIS: dict[str, str] = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}


def offered(kind: str) -> tuple[list[str], str]:
    """The media types offered for a query of ``kind`` ("select", "ask", "graph"), and the default."""
    if kind == "graph":
        return list(GRAPH_TYPES), "text/turtle"
    return list(RESULT_TYPES), "application/sparql-results+json"


def format_of(media_type: str) -> str:
    return RESULT_TYPES.get(media_type) or GRAPH_TYPES[media_type]
