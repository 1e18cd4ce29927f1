"""The named query library: ``queries/*.rq`` with a grlc-style ``#+`` YAML header.

The library is the packaged queries plus the working folder's ``queries/`` (``load_library``).

Header (lines starting ``#+`` at the top of the file, read as YAML)::

    #+ summary: Who chaired the Panel on a given date
    #+ description: ...
    #+ tags: [people, roles]
    #+ defaults:
    #+   - date: 2021-06-01
    #+ view: Table
    #+ classes:
    #+   - topic: skos:Concept

``view`` is the view the query page opens the result in (the Wikidata Query Service's
``#defaultView:`` names: Table, Graph, Timeline, BarChart; a ``#defaultView:`` comment in the
query itself says the same); ``classes`` gives the class of the entities an IRI parameter takes,
so that the page and ``sgraph queries NAME`` offer them and a value naming none is refused.

Parameters follow the BASIL/grlc variable convention (see ``queries/README.md``):
``?_name`` is a required parameter, ``?__name`` an optional one; a last part ``_iri`` makes it an
IRI, ``_integer`` (or another XSD type name) a typed literal, ``_prefix_type`` (``_xsd_date``) a
literal of that datatype, and a two-letter last part (``_en``) a literal in that language.
Without a suffix the value is a plain string.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sgraph import xsd
from sgraph.errors import InputError, ParameterError, UnknownQueryError
from sgraph.namespaces import STANDARD_PREFIXES, XSD
from sgraph.rdf.sparql_lexer import VAR, tokens
from sgraph.rdf.sparql_lexer import declared_prefixes as _declared
from sgraph.terms import OxTerm
from sgraph.xsd import LEXICAL as _LEXICAL

#: XSD datatypes a parameter may name by its local name alone (``?_n_integer``).
XSD_TYPES = frozenset(
    {
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "string",
        "anyURI",
        "nonNegativeInteger",
        "positiveInteger",
    }
)
#: Header keys sgraph reads; the other grlc keys are accepted and ignored.
HEADER_KEYS = frozenset({"summary", "description", "tags", "defaults", "view", "classes"})
#: The result views of the query page (the Wikidata Query Service's ``#defaultView:`` names).
VIEWS = ("Table", "Graph", "Timeline", "BarChart")
_DEFAULT_VIEW = re.compile(r"^\s*#\s*defaultView\s*:\s*([A-Za-z]+)", re.M)
GRLC_KEYS = frozenset(
    {"endpoint", "method", "pagination", "enumerate", "endpoint_in_url", "transform"}
)

_LANG = re.compile(r"^[a-z]{2}$")
_ABS_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_SCHEMES = frozenset({"urn", "mailto", "tag", "doi", "info", "data", "isbn"})
_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.-]*)$")


@dataclass
class Parameter:
    """One query parameter. ``type``: ``iri``, ``string``, ``string@LANG``, an XSD local name
    (``integer``, ``date``, ...) or ``prefix:local`` for another datatype."""

    name: str
    type: str
    required: bool
    default: str | None
    variable: str = ""  # the SPARQL variable it binds, without '?', e.g. "_date_xsd_date"
    #: For an IRI parameter: the class of the entities it takes (``#+ classes:``), as an IRI.
    cls: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "class": self.cls,
        }


@dataclass
class NamedQuery:
    name: str
    summary: str
    description: str
    tags: list[str]
    parameters: list[Parameter]
    query: str
    path: Path
    extra: dict[str, Any] = field(default_factory=dict)
    #: The query of the same name this one replaces (a local query over a packaged one).
    replaces: Path | None = None
    #: The view the query page shows first (one of ``VIEWS``), or None: the table.
    view: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "parameters": [p.to_dict() for p in self.parameters],
            "query": self.query,
            "view": self.view,
        }

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(
            f"query {self.name!r} has no parameter {name!r}",
            hint=f"its parameters: {known}",
        )

    def bind(
        self, values: dict[str, str], prefixes: dict[str, str] | None = None
    ) -> dict[str, OxTerm]:
        """Typed RDF terms for ``values`` (name -> text) plus defaults, keyed by SPARQL variable.

        ParameterError for an unknown name, a missing required value, or a value that does not
        fit its declared type.
        """
        for name in values:
            self.parameter(name)
        out: dict[str, OxTerm] = {}
        for p in self.parameters:
            value = values.get(p.name, p.default)
            if value is None:
                if p.required:
                    raise ParameterError(
                        f"query {self.name!r} needs parameter {p.name!r} ({describe_type(p.type)})",
                        hint=f"add --param {p.name}=VALUE",
                    )
                continue
            out[p.variable] = to_term(p, value, prefixes or {})
        return out


def describe_type(kind: str) -> str:
    if kind == "iri":
        return "an IRI such as https://w3id.org/sgraph/id/person/annie-hudson or a prefixed name such as sgper:annie-hudson"
    if kind == "string":
        return "text"
    if kind.startswith("string@"):
        return f"text in language {kind[7:]!r}"
    if kind in _LEXICAL:
        return _LEXICAL[kind][1]
    return f"a literal of datatype {kind}"


def to_term(p: Parameter, value: str, prefixes: dict[str, str]) -> OxTerm:
    """The typed RDF term for one parameter value; ParameterError when it does not fit."""

    def bad(why: str = "") -> ParameterError:
        return ParameterError(
            f"parameter {p.name!r}: {value!r} is not {describe_type(p.type)}{why}",
            hint=f"give --param {p.name}=VALUE with a value of type {p.type}",
        )

    if p.type == "iri":
        m = _PNAME.match(value)
        if m and (m.group(1) or "") in prefixes:
            return ox.NamedNode(prefixes[m.group(1) or ""] + m.group(2))
        if not _ABS_IRI.match(value) or value.startswith(("_:", "?")):
            raise bad(" (an absolute IRI, or a prefixed name with a known prefix)")
        scheme = value.split(":", 1)[0].lower()
        if scheme not in _SCHEMES and not value[len(scheme) + 1 :].startswith("//"):
            raise bad(f" ({scheme}: is neither a known prefix nor an IRI scheme)")
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise bad() from None
    if p.type == "string":
        return ox.Literal(value)
    if p.type.startswith("string@"):
        return ox.Literal(value, language=p.type[7:])
    if p.type in _LEXICAL:
        why = xsd.problem(p.type, value)
        if why is not None:
            raise bad("" if why.startswith("not ") else f" ({why.split(' (')[0]})")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + p.type))
    if ":" in p.type:
        pfx, local = p.type.split(":", 1)
        ns = prefixes.get(pfx) or STANDARD_PREFIXES.get(pfx)
        if ns is None:
            raise ParameterError(
                f"parameter {p.name!r}: unknown prefix {pfx!r} in its datatype {p.type!r}"
            )
        if pfx == "xsd" or ns == XSD:
            return to_term(
                Parameter(p.name, local, p.required, p.default, p.variable), value, prefixes
            )
        return ox.Literal(value, datatype=ox.NamedNode(ns + local))
    return ox.Literal(value, datatype=ox.NamedNode(XSD + p.type))


def parse_parameter(variable: str, prefixes: dict[str, str] | None = None) -> Parameter | None:
    """The parameter a variable name (without ``?``) declares, or None if it is not one."""
    m = re.fullmatch(r"(__?)([A-Za-z0-9][A-Za-z0-9_]*)", variable)
    if not m:
        return None
    required = m.group(1) == "_"
    parts = m.group(2).split("_")
    known_prefixes = set(STANDARD_PREFIXES) | set(prefixes or {})
    kind = "string"
    if len(parts) >= 2 and parts[-1] == "iri":
        kind, parts = "iri", parts[:-1]
    elif len(parts) >= 3 and parts[-2] in known_prefixes:
        kind = parts[-1] if parts[-2] == "xsd" else f"{parts[-2]}:{parts[-1]}"
        parts = parts[:-2]
    elif len(parts) >= 2 and parts[-1] in XSD_TYPES:
        kind, parts = parts[-1], parts[:-1]
    elif len(parts) >= 2 and _LANG.match(parts[-1]):
        kind, parts = f"string@{parts[-1]}", parts[:-1]
    if kind == "anyURI":
        kind = "iri"
    return Parameter(
        name="_".join(parts), type=kind, required=required, default=None, variable=variable
    )


def find_parameters(text: str) -> list[Parameter]:
    """Parameters used in a query text, in order of first use (each variable once)."""
    seen: dict[str, Parameter] = {}
    for tok in tokens(text):
        if tok.kind == VAR and tok.name not in seen and (p := parse_parameter(tok.name)):
            seen[tok.name] = p
    return list(seen.values())


def parse_header(text: str, path: Path | str = "<query>") -> tuple[dict[str, Any], str]:
    """The ``#+`` YAML header as a dict, and the query text below it."""
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    i = 0
    while i < len(lines) and (lines[i].startswith("#+") or (header and not lines[i].strip())):
        if lines[i].startswith("#+"):
            body = lines[i][2:]
            header.append(body[1:] if body.startswith(" ") else body)
        i += 1
    if not header:
        return {}, text
    import yaml  # here, not at the top: only query headers need it, and it is slow to import

    try:
        data = yaml.safe_load("".join(header)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"{path}{line}: the #+ header is not valid YAML ({getattr(exc, 'problem', exc)})",
            hint="each header line is '#+ key: value'; lists as '#+ tags: [a, b]'",
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"{path}:1: the #+ header must be 'key: value' lines", hint="e.g. '#+ summary: ...'"
        )
    unknown = set(data) - HEADER_KEYS - GRLC_KEYS
    if unknown:
        raise InputError(
            f"{path}: unknown #+ header key(s): {', '.join(sorted(unknown))}",
            hint="known keys: " + ", ".join(sorted(HEADER_KEYS | GRLC_KEYS)),
        )
    return data, "".join(lines[i:])


def _defaults(
    raw: Any, path: Path | str, key: str = "defaults", example: str = "date: 2021-06-01"
) -> dict[str, str]:
    if raw is None:
        return {}
    items: list[Any] = raw if isinstance(raw, list) else [raw]
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise InputError(
                f"{path}: '#+ {key}' must list 'name: value' entries",
                hint=f"#+ {key}:\n#+   - {example}",
            )
        for k, v in item.items():
            out[str(k)] = (
                v.isoformat()
                if isinstance(v, dt.date)
                else str(v).lower()
                if isinstance(v, bool)
                else str(v)
            )
    return out


def parse_query(text: str, path: Path | str = "<query>", name: str | None = None) -> NamedQuery:
    """A NamedQuery from ``.rq`` text (header optional)."""
    header, body = parse_header(text, path)
    params = find_parameters(body)
    defaults = _defaults(header.get("defaults"), path)
    names = {p.name for p in params}
    for key in defaults:
        if key not in names:
            raise InputError(
                f"{path}: default for {key!r}, but the query has no parameter of that name",
                hint="parameters: " + (", ".join(sorted(names)) or "none (use ?_name variables)"),
            )
    for p in params:
        p.default = defaults.get(p.name)
    classes = _defaults(header.get("classes"), path, "classes", "topic: skos:Concept")
    known = {**STANDARD_PREFIXES, **declared_prefixes(body)}
    for key, value in classes.items():
        match = [p for p in params if p.name == key]
        if not match or match[0].type != "iri":
            raise InputError(
                f"{path}: '#+ classes' names {key!r}, which is not an IRI parameter of the query",
                hint="IRI parameters: "
                + (", ".join(p.name for p in params if p.type == "iri") or "none (?_name_iri)"),
            )
        match[0].cls = _expand(value, known, path)
    tags = header.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    stem = Path(str(path)).stem
    return NamedQuery(
        name=name or stem,
        summary=str(header.get("summary") or "").strip(),
        description=" ".join(str(header.get("description") or "").split()),
        tags=[str(t) for t in tags],
        parameters=params,
        query=body.lstrip("\n"),
        path=Path(str(path)),
        extra={k: v for k, v in header.items() if k not in HEADER_KEYS},
        view=_view(header.get("view"), body, path),
    )


def declared_prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query text."""
    return _declared(tokens(text))


def _expand(value: str, prefixes: dict[str, str], path: Path | str) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    m = _PNAME.match(value)
    if m and (m.group(1) or "") in prefixes:
        return prefixes[m.group(1) or ""] + m.group(2)
    if _ABS_IRI.match(value) and "://" in value:
        return value
    raise InputError(
        f"{path}: class {value!r} in '#+ classes' is neither an IRI nor a prefixed name with a "
        "declared prefix",
        hint="write e.g. skos:Concept and declare PREFIX skos: in the query",
    )


def _view(raw: Any, body: str, path: Path | str) -> str | None:
    """The ``#+ view:`` header, else the query's own ``#defaultView:`` comment, else None."""
    if raw is None:
        m = _DEFAULT_VIEW.search(body)
        if not m:
            return None
        raw = m.group(1)
    by_lower = {v.lower(): v for v in VIEWS}
    found = by_lower.get(str(raw).strip().lower())
    if found is None:
        raise InputError(
            f"{path}: view {raw!r} is not one of {', '.join(VIEWS)}",
            hint="e.g. '#+ view: Graph' (the Wikidata Query Service's #defaultView names)",
        )
    return found


def load_query_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read query file {path}: {exc.strerror}", hint="check the path"
        ) from None
    return parse_query(text, path)


def load_library(folders: Path | Sequence[Path] | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` of ``folders``, by name (the file stem), sorted by name.

    ``folders`` defaults to the settings' library: the packaged queries, then the working
    folder's ``queries/``. A query in a later folder replaces one of the same name in an earlier
    one (``NamedQuery.replaces`` is then the file it replaces, unless both say the same). A
    single folder is read alone.
    """
    if folders is None:
        from sgraph.config import default_queries_dirs

        folders = default_queries_dirs()
    elif isinstance(folders, Path):
        folders = [folders]
    library: dict[str, NamedQuery] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise InputError(
                f"no query folder at {folder}",
                hint="give a folder of .rq files (or leave it out for the query library)",
            )
        for path in sorted(folder.glob("*.rq"), key=lambda p: p.stem):
            earlier = library.get(path.stem)
            if earlier is not None and _same_text(earlier.path, path):
                earlier.path = path  # the same query twice (a checkout's own queries/)
                continue
            query = load_query_file(path)
            query.replaces = earlier.path if earlier is not None else None
            library[path.stem] = query
    return dict(sorted(library.items()))


def _same_text(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve() or a.read_bytes() == b.read_bytes()


def get_query(name: str, library: dict[str, NamedQuery]) -> NamedQuery:
    """The named query; UnknownQueryError with the close matches if there is none."""
    if name in library:
        return library[name]
    lowered = {k.lower(): k for k in library}
    if name.lower() in lowered:
        return library[lowered[name.lower()]]
    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
    close += [k for k in library if name.lower() in k.lower() and k not in close][
        : max(0, 3 - len(close))
    ]
    raise UnknownQueryError(name, close)


def find_query(target: str, folders: Path | Sequence[Path] | None = None) -> NamedQuery:
    """A query given the ways ``sgraph query`` takes one: a ``.rq`` file (or any existing
    file), the text of a query (anything with a space or a brace), or a name of the library
    of ``folders`` (see ``load_library``)."""
    if target.endswith(".rq") or (not _looks_like_text(target) and Path(target).is_file()):
        path = Path(target)
        if not path.is_file():
            raise InputError(
                f"no query file at {target}",
                hint="give a named query (see `sgraph queries`), a .rq file or - for stdin",
            )
        return load_query_file(path)
    if _looks_like_text(target):
        return parse_query(target, "<query>", name="query")
    return get_query(target, load_library(folders))


def _looks_like_text(target: str) -> bool:
    return any(c in target for c in " \t\n{")


# -- IRI parameters and the entities of the graph -----------------------------------------------
_RDFS_LABEL = STANDARD_PREFIXES["rdfs"] + "label"
_RDF_TYPE = STANDARD_PREFIXES["rdf"] + "type"


def instances(store: ox.Store, cls: str | None) -> list[tuple[str, str]]:
    """(IRI, label) of the entities of class ``cls`` (of any class if None), by label."""
    pattern = f"?e <{_RDF_TYPE}> <{cls}>" if cls else f"?e <{_RDF_TYPE}> ?anyClass"
    result = store.query(
        f"SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{ {pattern} FILTER(isIRI(?e)) "
        f"OPTIONAL {{ ?e <{_RDFS_LABEL}> ?l }} }} GROUP BY ?e",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, ox.QuerySolutions)
    out = []
    for row in result:
        e, label = row["e"], row["label"]
        if isinstance(e, ox.NamedNode):
            out.append((e.value, label.value if label is not None else ""))
    return sorted(out, key=lambda pair: (pair[1].casefold() or "\uffff", pair[0]))


def _exists(store: ox.Store, iri: str, cls: str | None) -> bool:
    node = f"<{iri}>"
    text = (
        f"ASK {{ {node} <{_RDF_TYPE}> <{cls}> }}"
        if cls
        else f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"
    )
    return bool(store.query(text, use_default_graph_as_union=True))


def missing_entity(query: NamedQuery, bindings: dict[str, OxTerm], store: ox.Store) -> str | None:
    """The name of the first IRI parameter that names no entity (of its class), or None: the
    check of ``check_entities`` without its search for close matches (slow on a large graph)."""
    for p in query.parameters:
        term = bindings.get(p.variable)
        if (
            p.type == "iri"
            and isinstance(term, ox.NamedNode)
            and not _exists(store, term.value, p.cls)
        ):
            return p.name
    return None


def check_entities(
    query: NamedQuery, bindings: dict[str, OxTerm], store: ox.Store, prefixes: dict[str, str]
) -> None:
    """Refuse an IRI parameter that names no entity (of its class) in the graph, with the
    closest matches, as a wrong date is refused: ParameterError."""
    from sgraph.catalogue import closest_iris
    from sgraph.serialize import PrefixMap

    pm = PrefixMap(prefixes)
    for p in query.parameters:
        term = bindings.get(p.variable)
        if p.type != "iri" or not isinstance(term, ox.NamedNode):
            continue
        if _exists(store, term.value, p.cls):
            continue
        pool = instances(store, p.cls)
        close = closest_iris(term.value, [iri for iri, _ in pool], dict(pool), 3)
        what = f"an entity of class {pm.shorten(p.cls).strip('<>')}" if p.cls else "an entity"
        listing = f"sgraph queries {query.name}"
        raise ParameterError(
            f"parameter {p.name!r}: {pm.shorten(term.value).strip('<>')} is not {what} "
            "in the graph",
            hint=(
                "close matches: " + ", ".join(pm.shorten(c).strip("<>") for c in close)
                if close
                else f"`{listing}` lists the values it takes"
            )
            + (f" (`{listing}` lists them all)" if close else ""),
        )
