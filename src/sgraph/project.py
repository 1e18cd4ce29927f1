"""Where a run's graph is: the working folder's project, its project file, and the one rule.

The data folder a command reads, the same in every command (first match wins):

1. ``--data DIR``;
2. the ``SGRAPH_DATA`` environment variable;
3. the working folder's own graph: the nearest folder, from the working directory up (the way
   ``pyproject.toml`` is found), that holds a project file ``sgraph.toml`` (its ``data`` key,
   default ``data/triples``) or a ``data/triples/`` folder;
4. the graph packaged with sgraph.

That project folder (if any) also gives the ontology (its ``ontology/`` when it holds
``sgraph.ttl``, else the packaged one), the local query library (its ``queries/``, added to the
packaged queries; a local query of the same name wins) and where ``sgraph build`` publishes
(its ``dist/``). Nothing is derived from where sgraph is installed.

A project file may also include the packaged graph (``include-packaged = true``, as
``sgraph init`` writes it): its files are then loaded beside the project's own data, as named
graphs ``{base}graph/sgraph/{file}``, so the project can use the packaged entities by IRI and
validation sees them. ``sgraph add`` never writes into an included graph.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sgraph import environment
from sgraph.errors import InputError
from sgraph.resources import packaged

PROJECT_FILE = "sgraph.toml"
DATA_SUBDIR = Path("data") / "triples"
ONTOLOGY_FILE = "sgraph.ttl"

#: Keys of the ``[sgraph]`` table of a project file, with what each means.
PROJECT_KEYS: dict[str, str] = {
    "data": "folder of the curated Turtle files (default data/triples)",
    "ontology": "folder with sgraph.ttl, shapes.ttl and rules/ (default: ontology/ if it has "
    "sgraph.ttl, else the packaged ontology)",
    "queries": "folder of named .rq queries added to the packaged library (default queries)",
    "out": "folder `sgraph build` publishes into (default dist)",
    "include-packaged": "true: load the packaged graph beside this one (default false)",
}

#: How each step of the rule is named in messages and the build summary.
ORIGIN_OPTION = "--data"
ORIGIN_ENV = "SGRAPH_DATA"
ORIGIN_PROJECT = "the working folder's graph"
ORIGIN_PACKAGED = "the graph packaged with sgraph"

#: The rule after ``--data``, as the option's ``--help`` shows it.
DATA_DEFAULT = (
    "$SGRAPH_DATA, else the working folder's graph (sgraph.toml or data/triples/ here or in a "
    "parent folder), else the graph packaged with sgraph"
)


@dataclass(frozen=True)
class Project:
    """A folder with its own graph: where ``sgraph.toml`` or ``data/triples/`` was found."""

    root: Path
    data_dir: Path
    ontology_dir: Path | None
    queries_dir: Path
    out_dir: Path
    include_packaged: bool = False
    project_file: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def at(cls, root: Path) -> Project | None:
        """The project whose root is ``root``, or None if ``root`` is not a project folder."""
        file = root / PROJECT_FILE
        if file.is_file():
            return cls._from_file(root, file)
        if (root / DATA_SUBDIR).is_dir():
            return cls(
                root=root,
                data_dir=root / DATA_SUBDIR,
                ontology_dir=_own_ontology(root / "ontology"),
                queries_dir=root / "queries",
                out_dir=root / "dist",
            )
        return None

    @classmethod
    def _from_file(cls, root: Path, file: Path) -> Project:
        try:
            body = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(
                f"{file}: not valid TOML: {exc}",
                hint="see `sgraph init --help` for what the project file holds",
            ) from None
        table = body.get("sgraph", {})
        unknown = sorted(set(body) - {"sgraph"}) + sorted(
            f"sgraph.{k}" for k in set(table) - set(PROJECT_KEYS)
        )
        if not isinstance(table, dict) or unknown:
            raise InputError(
                f"{file}: unknown key(s): {', '.join(unknown) or 'sgraph'}",
                hint="an [sgraph] table with: " + ", ".join(PROJECT_KEYS),
            )

        def folder(key: str, default: str) -> Path:
            value = table.get(key, default)
            if not isinstance(value, str) or not value:
                raise InputError(f"{file}: sgraph.{key} must be a folder name (a string)")
            return (root / value) if not Path(value).is_absolute() else Path(value)

        include = table.get("include-packaged", False)
        if not isinstance(include, bool):
            raise InputError(f"{file}: sgraph.include-packaged must be true or false")
        ontology = (
            folder("ontology", "ontology")
            if "ontology" in table
            else _own_ontology(root / "ontology")
        )
        return cls(
            root=root,
            data_dir=folder("data", str(DATA_SUBDIR)),
            ontology_dir=ontology,
            queries_dir=folder("queries", "queries"),
            out_dir=folder("out", "dist"),
            include_packaged=include,
            project_file=file,
        )


def _own_ontology(folder: Path) -> Path | None:
    return folder if (folder / ONTOLOGY_FILE).is_file() else None


def find_project(start: Path | None = None) -> Project | None:
    """The nearest project folder from ``start`` (default: the working directory) upwards."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        project = Project.at(folder)
        if project is not None:
            return project
    return None


@dataclass(frozen=True)
class DataChoice:
    """The data folder the rule picked, and which step of the rule picked it."""

    path: Path
    origin: str


def choose_data(option: Path | None = None, project: Project | None = None) -> DataChoice:
    """The rule: ``--data`` > ``SGRAPH_DATA`` > the working folder's graph > the packaged one.

    ``project`` is the working folder's project (``find_project()``), if there is one.
    """
    if option is not None:
        return DataChoice(Path(option), ORIGIN_OPTION)
    env = environment.read("SGRAPH_DATA")
    if env:
        return DataChoice(Path(env), ORIGIN_ENV)
    if project is not None:
        return DataChoice(project.data_dir, ORIGIN_PROJECT)
    return DataChoice(packaged("triples"), ORIGIN_PACKAGED)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:  # pragma: no cover - an unreadable path
        return False


def is_packaged_graph(folder: Path) -> bool:
    return _same(folder, packaged("triples"))


def included_graphs(data_dir: Path) -> tuple[Path, ...]:
    """The graphs loaded beside ``data_dir``: the packaged graph, when the project file of the
    project that owns ``data_dir`` says ``include-packaged = true``."""
    folder = data_dir.absolute()
    for parent in (folder, *folder.parents):
        project = Project.at(parent)
        if project is not None and _same(project.data_dir, folder):
            if project.include_packaged and not is_packaged_graph(folder):
                return (packaged("triples"),)
            return ()
    return ()


def describe_data(data_dir: Path, origin: str | None = None) -> str:
    """``./data/triples (the working folder's graph)``: a data folder and the rule that chose it.

    The folder is shown relative to the working directory when it is below it or below the
    working folder's project (``../data/triples`` from ``docs/``), else as an absolute path.
    """
    if origin is None:
        origin = _origin_of(data_dir)
    here = Path.cwd().absolute()
    folder = data_dir.absolute()
    project = find_project()
    if folder.is_relative_to(here):
        shown = "./" + folder.relative_to(here).as_posix() if folder != here else "."
    elif project is not None and folder.is_relative_to(project.root.absolute()):
        shown = Path(os.path.relpath(folder, here)).as_posix()
    else:
        shown = str(folder)
    return f"{shown} ({origin})"


def _origin_of(data_dir: Path) -> str:
    if is_packaged_graph(data_dir):
        return ORIGIN_PACKAGED
    project = find_project()
    if project is not None and _same(project.data_dir, data_dir):
        return ORIGIN_PROJECT
    env = environment.read("SGRAPH_DATA")
    if env and _same(Path(env), data_dir):
        return ORIGIN_ENV
    return "given"
