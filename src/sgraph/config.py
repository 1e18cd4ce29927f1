"""Where things are and which base IRI the graph is published under."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sgraph.errors import InputError
from sgraph.namespaces import DEFAULT_BASE


def _project_root() -> Path:
    """The checkout this package runs from (src layout), or the working directory."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "ontology").is_dir():
            return parent
    return Path.cwd()


PROJECT_ROOT = _project_root()
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "triples"
DEFAULT_ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
DEFAULT_QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_OUT_DIR = Path("dist")


def base_iri_from_env() -> str:
    base = os.environ.get("SGRAPH_BASE", DEFAULT_BASE)
    return check_base_iri(base)


def check_base_iri(base: str) -> str:
    if not (base.startswith("http://") or base.startswith("https://")) or not base.endswith("/"):
        raise InputError(
            f"base IRI {base!r} must be an http(s) IRI ending in '/'",
            hint="for example --base https://example.org/sgraph/",
        )
    return base


@dataclass(frozen=True)
class Settings:
    """Paths and the base IRI for one run. Everything has a working default."""

    data_dir: Path = DEFAULT_DATA_DIR
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR
    queries_dir: Path = DEFAULT_QUERIES_DIR
    base: str = field(default_factory=base_iri_from_env)

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "sgraph.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"
