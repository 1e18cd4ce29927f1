"""Where things are and which base IRI the graph is published under, for one run.

Every default follows the rule of :mod:`sgraph.project` (``--data`` > ``SGRAPH_DATA`` > the
working folder's graph > the packaged graph), looked up when the settings are made; nothing is
derived from where sgraph is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sgraph import environment
from sgraph.errors import InputError
from sgraph.namespaces import DEFAULT_BASE
from sgraph.project import (
    Project,
    choose_data,
    describe_data,
    find_project,
    included_graphs,
)
from sgraph.resources import packaged


def base_iri_from_env() -> str:
    return check_base_iri(environment.read("SGRAPH_BASE") or DEFAULT_BASE)


def check_base_iri(base: str) -> str:
    if not (base.startswith("http://") or base.startswith("https://")) or not base.endswith("/"):
        raise InputError(
            f"base IRI {base!r} must be an http(s) IRI ending in '/'",
            hint="for example --base https://example.org/sgraph/",
        )
    return base


def default_data_dir() -> Path:
    return choose_data(None, find_project()).path


def default_ontology_dir(project: Project | None = None) -> Path:
    """The working folder's ``ontology/`` (if it holds sgraph.ttl), else the packaged one."""
    project = project or find_project()
    if project is not None and project.ontology_dir is not None:
        return project.ontology_dir
    return packaged("ontology")


def default_queries_dirs(project: Project | None = None) -> tuple[Path, ...]:
    """The packaged query library, then the working folder's ``queries/`` (later ones win)."""
    project = project or find_project()
    folders = [packaged("queries")]
    if project is not None and project.queries_dir.is_dir():
        folders.append(project.queries_dir)
    return tuple(folders)


def default_out_dir(project: Project | None = None) -> Path:
    """Where ``sgraph build`` publishes: the project folder's ``dist/``, else ``./dist``."""
    project = project or find_project()
    return project.out_dir if project is not None else Path("dist")


@dataclass(frozen=True)
class Settings:
    """Paths and the base IRI for one run. Everything has a working default."""

    data_dir: Path = field(default_factory=default_data_dir)
    ontology_dir: Path = field(default_factory=default_ontology_dir)
    #: The query library's folders; a query in a later folder replaces one of the same name.
    queries_dirs: tuple[Path, ...] = field(default_factory=default_queries_dirs)
    base: str = field(default_factory=base_iri_from_env)
    #: Which step of the rule chose ``data_dir`` (None: work it out when asked).
    data_origin: str | None = None

    @classmethod
    def resolve(cls, data_dir: Path | None = None, base: str | None = None) -> Settings:
        """The settings of a command: its ``--data`` and ``--base`` (or None), then the rule."""
        project = find_project()
        choice = choose_data(data_dir, project)
        return cls(
            data_dir=choice.path,
            ontology_dir=default_ontology_dir(project),
            queries_dirs=default_queries_dirs(project),
            base=check_base_iri(base) if base is not None else base_iri_from_env(),
            data_origin=choice.origin,
        )

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "sgraph.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def rules_dir(self) -> Path:
        return self.ontology_dir / "rules"

    @cached_property
    def included(self) -> tuple[Path, ...]:
        """Graphs loaded beside ``data_dir`` (read, never written): see sgraph.project."""
        return included_graphs(self.data_dir)

    def describe_data(self) -> str:
        """``./data/triples (the working folder's graph)``, plus what the project includes."""
        text = describe_data(self.data_dir, self.data_origin)
        if self.included:
            text += " with the packaged graph included"
        return text
