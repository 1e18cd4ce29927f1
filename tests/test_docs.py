"""dist/docs/: every class and property documented, self-contained, escaped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from markupsafe import escape  # what the templates escape with

from sgraph.export.docs import ontology_html
from sgraph.store import GraphStore

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_every_class_and_property_is_documented(dist_dir: Path, graph_store: GraphStore) -> None:
    html = (dist_dir / "docs" / "index.html").read_text(encoding="utf-8")
    own = graph_store.settings.base + "ontology#"
    kinds = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty"}
    terms = {
        t.subject.value
        for t in graph_store.ontology.triples
        if t.predicate.value == RDF_TYPE
        and t.object.value in kinds
        and t.subject.value.startswith(own)
    }
    assert len(terms) > 40
    for t in graph_store.ontology.triples:
        if t.subject.value in terms and t.predicate.value == LABEL:
            assert f"<h3>{escape(t.object.value)}</h3>" in html, t.object.value
            assert f'id="{t.subject.value.split("#")[1]}"' in html
    assert "Subclass of (alignments)" in html and "fabio:ReportDocument" in html
    assert "Domain includes" in html and "Range includes" in html


def test_shapes_page_lists_every_named_shape(dist_dir: Path) -> None:
    html = (dist_dir / "docs" / "shapes.html").read_text(encoding="utf-8")
    shapes = (dist_dir / "shapes.ttl").read_text(encoding="utf-8")
    names = set(re.findall(r"^sgsh:([A-Za-z0-9_-]+)\n", shapes, re.M))
    assert len(names) > 10
    for name in names:
        assert f'id="{name}"' in html, name


def test_docs_load_nothing_from_elsewhere(dist_dir: Path, browser: Any) -> None:
    for name in ("index.html", "shapes.html"):
        html = (dist_dir / "docs" / name).read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"(https?:)?//", html, re.I)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.goto((dist_dir / "docs" / name).as_uri())
        assert page.locator("h1").count() == 1
        page.close()
        assert all(u.startswith("file://") for u in requests), requests


def test_labels_from_the_ontology_are_escaped() -> None:
    evil = '<script>alert("x")</script>'
    s = ox.NamedNode("https://w3id.org/sgraph/ontology#Evil")
    triples = [
        ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Class")),
        ox.Triple(s, ox.NamedNode(LABEL), ox.Literal(evil, language="en")),
    ]
    html = ontology_html(
        triples, {"sg": "https://w3id.org/sgraph/ontology#"}, "https://w3id.org/sgraph/"
    )
    assert "<script>" not in html
    assert escape(evil) in html
