"""``sgraph init DIR``: a new project folder for a graph of one's own.

The folder gets a project file (``sgraph.toml``), ``data/triples/`` with a sources file and one
example entity that is valid under the shapes, ``queries/`` with one example query, and a
README. Its project file includes the packaged graph, so the example (a local safeguarding
partnership set up under the Children Act 2004) refers to the packaged Act by its IRI, and
``sgraph build`` in the folder validates and publishes both graphs together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sgraph.errors import InputError
from sgraph.io import staged_dir
from sgraph.project import DATA_SUBDIR, PROJECT_FILE

PROJECT_TOML = """\
# sgraph project file: `sgraph build`, `validate`, `query`, `network`, `serve` and `add`, run in
# this folder or below it, use this folder's graph. Paths are relative to this folder.
[sgraph]
data = "data/triples"       # the curated Turtle files
queries = "queries"         # named queries, added to the packaged library (same name: yours wins)
out = "dist"                # where `sgraph build` publishes
# Load the graph that ships with sgraph beside this one, so that its entities (the Panel,
# the Acts, national reviews, people ...) can be used by IRI and validation sees them. The
# build then publishes both. Set to false for a graph that stands alone.
include-packaged = {include}
"""

SOURCES_TTL = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sg: <https://w3id.org/sgraph/ontology#> .

# Every page cited by dcterms:source is described here: its title and what was read on it.
# An example: replace it with the page you read.
<https://www.example.org/about-our-partnership>
    a sg:Source ;
    dcterms:title "About the partnership (an example page: replace it)"@en ;
    rdfs:comment "Example source written by sgraph init."@en .
"""

ORGANISATIONS_TTL = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sg: <https://w3id.org/sgraph/ontology#> .
@prefix sgorg: <https://w3id.org/sgraph/id/organisation/> .

# An example organisation: replace it with your own. Its sg:establishedUnder names the Children
# Act 2004 by the IRI the packaged graph uses (include-packaged = true in sgraph.toml).
sgorg:example-safeguarding-children-partnership
    a sg:Organisation ;
    foaf:name "Example Safeguarding Children Partnership" ;
    sg:establishedUnder <http://www.legislation.gov.uk/id/ukpga/2004/31> ;
    dcterms:source <https://www.example.org/about-our-partnership> ;
    rdfs:comment "An example entity written by sgraph init: replace it with your own."@en .
"""

QUERY_RQ = """\
#+ summary: Organisations and their names (this graph and any it includes)
#+ tags: [organisations, example]

PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX sg: <https://w3id.org/sgraph/ontology#>

SELECT ?organisation ?name WHERE {
  ?organisation a sg:Organisation ;
                foaf:name ?name .
}
ORDER BY ?name
"""

README_MD = """\
# {name}

A graph of our own in the sgraph model: child-safeguarding
publications, reviews, people and organisations, every fact traced to the page it was read from.
The Turtle files in `data/triples/` are the graph (one file per kind of entity, each page cited in
`sources.ttl`); `queries/` holds our named SPARQL queries, which join the packaged library;
`sgraph.toml` marks this folder as the project, so every `sgraph` command run here (or below)
uses this graph. It includes the graph packaged with sgraph, so our entities can point at the
national ones by IRI (the example partnership names the Children Act 2004 as
`<http://www.legislation.gov.uk/id/ukpga/2004/31>`). Replace the example entity and its source
with your own, then run `sgraph validate` to check the data, `sgraph build` to publish it into
`dist/` (with the network view `dist/network.html`), `sgraph add refs.txt` to add publications
from a reference list, and `sgraph queries` to see the query library.
"""


@dataclass(frozen=True)
class NewProject:
    root: Path
    files: list[Path]

    def summary(self) -> str:
        lines = [f"Started a new sgraph project in {self.root}/:"]
        lines += [f"  {f.relative_to(self.root)}" for f in self.files]
        lines += [
            "",
            "Next:",
            f"  cd {self.root}",
            "  sgraph validate        # check the data",
            "  sgraph build           # publish it into dist/",
        ]
        return "\n".join(lines)


def init_project(root: Path, *, include_packaged: bool = True) -> NewProject:
    """Write a new project into ``root`` (new or empty); nothing is written if it is not."""
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        what = "is not a folder" if not root.is_dir() else "is not empty"
        raise InputError(
            f"{root} {what}: sgraph init writes only into a new or empty folder",
            hint="give a new folder name, e.g. `sgraph init my-graph`",
        )
    organisations = ORGANISATIONS_TTL
    readme = README_MD.format(name=root.absolute().name)
    if not include_packaged:  # nothing to point at: the example stands alone
        organisations = (
            "\n".join(
                line
                for line in organisations.splitlines()
                if "establishedUnder" not in line and "Act 2004 by the IRI" not in line
            ).replace("replace it with your own. Its sg:", "replace it with your own.")
            + "\n"
        )
        readme = readme.split(" It includes the graph packaged")[0] + (
            " It stands alone (include-packaged = false in `sgraph.toml`). Replace the example "
            "entity and its source with your own, then run `sgraph validate` to check the data "
            "and `sgraph build` to publish it into `dist/`.\n"
        )
    files = {
        Path(PROJECT_FILE): PROJECT_TOML.format(include="true" if include_packaged else "false"),
        Path("README.md"): readme,
        DATA_SUBDIR / "sources.ttl": SOURCES_TTL,
        DATA_SUBDIR / "organisations.ttl": organisations,
        Path("queries") / "organisations.rq": QUERY_RQ,
    }
    with staged_dir(root, keep_others=False) as stage:
        for rel, text in files.items():
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage / rel).write_text(text, encoding="utf-8")
    return NewProject(root=root, files=[root / rel for rel in files])
