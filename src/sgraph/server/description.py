"""The SPARQL 1.1 Service Description of ``/sparql`` (answered to GET without a query)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from sgraph import sparql
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.rdf.results import QueryResult
from sgraph.server import formats
from sgraph.server.conneg import negotiate
from sgraph.server.service import QueryService

SD = "http://www.w3.org/ns/sparql-service-description#"
DCTERMS = STANDARD_PREFIXES["dcterms"]
VOID = STANDARD_PREFIXES["void"]
XSD = STANDARD_PREFIXES["xsd"]


def description_triples(endpoint: str, service: QueryService) -> list[ox.Triple]:
    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    a = ox.NamedNode(RDF_TYPE)
    me = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#dataset")
    default_graph = ox.NamedNode(endpoint + "#default-graph")
    out = [
        ox.Triple(me, a, sd("Service")),
        ox.Triple(me, sd("endpoint"), me),
        ox.Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            me,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal(
                "Read-only SPARQL 1.1 query endpoint of sgraph. No updates, no SERVICE, no LOAD, "
                f"FROM only for local graphs; time limit {service.config.timeout_s:g} s per query, "
                f"at most {service.config.max_rows} rows per result.",
                language="en",
            ),
        ),
        ox.Triple(me, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, a, sd("Graph")),
        ox.Triple(
            default_graph,
            ox.NamedNode(VOID + "triples"),
            ox.Literal(str(len(service.gs)), datatype=ox.NamedNode(XSD + "integer")),
        ),
    ]
    for fmt in formats.SERVED:
        assert fmt.w3c is not None
        out.append(ox.Triple(me, sd("resultFormat"), ox.NamedNode(fmt.w3c)))
    for i, graph in enumerate(service.local_graphs):
        node = ox.NamedNode(f"{endpoint}#named-graph-{i + 1:03d}")
        out += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, a, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    return out


def service_description(request: Request, service: QueryService) -> Response:
    offered, default = formats.offered("graph")
    media_type = negotiate(request.headers.get("accept"), offered, default)
    fmt = formats.format_of(media_type)
    endpoint = service.config.url + request.url.path  # the configured address, not Host
    result = QueryResult(
        kind="graph",
        variables=[],
        rows=[],
        boolean=None,
        triples=description_triples(endpoint, service),
    )
    body = sparql.serialize(result, fmt.name, prefixes={"sd": SD, "dcterms": DCTERMS, "void": VOID})
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
