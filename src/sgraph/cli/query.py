"""``sgraph queries``, ``sgraph query`` and ``sgraph push``."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sgraph.cli.options import (
    FormatChoice,
    base_option,
    chosen_engine,
    data_option,
    engine_option,
    make_settings,
    open_store,
    progress,
    store_option,
)
from sgraph.config import Settings
from sgraph.errors import (
    InputError,
    ParameterError,
    QueryRefusedError,
    SgraphError,
    ValidationError,
)
from sgraph.io import atomic_write_bytes
from sgraph.namespaces import all_prefixes
from sgraph.rdf.formats import RESULT_FORMATS, TRIPLE_FORMATS, aliases

if TYPE_CHECKING:  # the library is imported inside each command, so --help stays fast
    from sgraph.queries import NamedQuery, Parameter
    from sgraph.rdf.results import QueryResult
    from sgraph.store import GraphStore

F = TypeVar("F", bound=Callable[..., Any])


def _queries_dir_option(func: F) -> F:
    return click.option(
        "--queries-dir",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        default=None,
        help="Folder of .rq queries added to the library; a query of the same name replaces "
        "the library's. [the library: the packaged queries plus the working folder's "
        "queries/ (where sgraph.toml or data/triples/ is)]",
    )(func)


def _library_folders(queries_dir: Path | None) -> list[Path]:
    from sgraph.config import default_queries_dirs

    return [*default_queries_dirs(), *([queries_dir] if queries_dir is not None else [])]


def _library(queries_dir: Path | None) -> dict[str, NamedQuery]:
    from sgraph.queries import load_library

    return load_library(_library_folders(queries_dir))


@click.command("queries")
@click.argument("name", required=False, metavar="[NAME]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people; json (name, summary, description, tags, parameters, query) for tools.",
)
@_queries_dir_option
@data_option
@base_option
@store_option
def queries_command(
    name: str | None,
    fmt: str,
    queries_dir: Path | None,
    data_dir: Path | None,
    base: str | None,
    store_path: Path | None,
    no_store: bool,
) -> None:
    """List the named queries of the library with their parameters; with NAME, one query in
    full, with the values each IRI parameter takes (the entities of its class in the graph).

    The library is the queries packaged with sgraph plus the .rq files of the working
    folder's queries/ (and of --queries-dir); a local query of the same name replaces
    the packaged one, and the list says so.

    \b
    Example:
      sgraph queries
      sgraph queries publications-by-topic
      sgraph queries --format json
    """
    library = _library(queries_dir)
    if name is not None:
        _show_query(name, library, fmt, make_settings(data_dir, base), store_path, no_store)
        return
    if fmt == "json":
        body = [
            {
                **q.to_dict(),
                "file": str(q.path),
                "replaces": str(q.replaces) if q.replaces else None,
            }
            for q in library.values()
        ]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    width = max((len(n) for n in library), default=4)
    for qname, q in library.items():
        click.echo(f"{qname.ljust(width)}  {q.summary}")
        if q.replaces is not None:
            click.echo(f"{' ' * width}    (local {q.path}, replaces the packaged {q.replaces})")
        for p in q.parameters:
            click.echo(f"{' ' * width}    --param {p.name}=... ({_describe(p)})")


def _describe(p: Parameter) -> str:
    need = "required" if p.required else "optional"
    default = f", default {p.default}" if p.default is not None else ""
    if p.cls:
        from sgraph.serialize import PrefixMap

        cls = " of " + PrefixMap(all_prefixes()).shorten(p.cls).strip("<>")
    else:
        cls = ""
    return f"{p.type}{cls}, {need}{default}"


def _show_query(
    name: str,
    library: dict[str, NamedQuery],
    fmt: str,
    settings: Settings,
    store_path: Path | None,
    no_store: bool,
) -> None:
    from sgraph.queries import get_query, instances
    from sgraph.serialize import PrefixMap

    q = get_query(name, library)
    values: dict[str, list[tuple[str, str]]] = {}
    if any(p.type == "iri" and p.cls for p in q.parameters):
        gs = open_store(settings, store_path, no_store)
        values = {
            p.name: instances(gs.store, p.cls) for p in q.parameters if p.type == "iri" and p.cls
        }
    if fmt == "json":
        body = {
            **q.to_dict(),
            "file": str(q.path),
            "values": {
                k: [{"iri": iri, "label": label} for iri, label in v] for k, v in values.items()
            },
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    pm = PrefixMap(all_prefixes(settings.base))
    click.echo(f"{q.name}: {q.summary}")
    if q.description:
        click.echo(q.description)
    click.echo(f"View: {q.view or 'Table'}    File: {q.path}")
    if not q.parameters:
        click.echo("No parameters.")
    for p in q.parameters:
        click.echo(f"  --param {p.name}=... ({_describe(p)})")
        for iri, label in values.get(p.name, []):
            click.echo(f"      {pm.shorten(iri).strip('<>')}  {label}")
    click.echo(
        f"Run it: sgraph query {q.name}"
        + "".join(f" --param {p.name}=..." for p in q.parameters if p.required)
    )


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ParameterError(
                f"--param {item!r} is not NAME=VALUE", hint="e.g. --param date=2021-06-01"
            )
        out[name.strip()] = value
    return out


def _resolve(target: str, queries_dir: Path | None) -> NamedQuery:
    from sgraph.queries import find_query, parse_query

    if target == "-":
        return parse_query(sys.stdin.read(), "<stdin>", name="stdin")
    return find_query(target, _library_folders(queries_dir))


@click.command("query")
@click.argument("target", metavar="NAME|FILE.rq|-")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable); bound as a typed RDF term, never pasted into the text.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=FormatChoice(
        [*RESULT_FORMATS, *TRIPLE_FORMATS], aliases({**RESULT_FORMATS, **TRIPLE_FORMATS})
    ),
    default=None,
    help="SELECT/ASK: "
    + ", ".join(RESULT_FORMATS)
    + "; CONSTRUCT/DESCRIBE: "
    + ", ".join(TRIPLE_FORMATS)
    + ". [default: table on a terminal, csv when stdout is not a terminal or with --out; "
    "turtle for graphs]",
)
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the result to this file (atomically) instead of stdout.",
)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Run on this SPARQL 1.1 endpoint (e.g. http://127.0.0.1:7878/query) instead of the local graph.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many rows (local only).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query reach other servers (SERVICE, LOAD, FROM a graph the store does not "
    "hold); refused otherwise. Local only.",
)
@data_option
@base_option
@store_option
@_queries_dir_option
def query_command(
    target: str,
    params: tuple[str, ...],
    fmt: str | None,
    out: Path | None,
    endpoint: str | None,
    max_rows: int | None,
    allow_service: bool,
    data_dir: Path | None,
    base: str | None,
    store_path: Path | None,
    no_store: bool,
    queries_dir: Path | None,
) -> None:
    """Run a named query, a .rq file, or a query on stdin (-).

    Locally the query runs on the graph built from --data (the union of all its graphs),
    kept in a persistent store that is rebuilt only when the sources change (--store);
    with --endpoint it runs on that SPARQL 1.1 endpoint (the SPARQL Protocol), with the same
    output. Prefixes sg:, sgid:, sgpub:, dcterms:, foaf:, org:, ... are predeclared.
    A local query never contacts another server: SERVICE, LOAD and FROM a graph that is
    not in the store are refused (exit 2) unless --allow-service is given.

    \b
    Example:
      sgraph query publications
      sgraph query chair-on-date --param date=2019-06-01
      sgraph query citation-network --format json --out network.json
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | sgraph query -
      sgraph query publications --endpoint http://127.0.0.1:7878/query
    """
    from sgraph.sparql import execute, execute_remote, query_kind, serialize

    named = _resolve(target, queries_dir)
    from sgraph import query_policy

    query_policy.check_bounds(named.query)  # a deep nesting would crash the parser (SIGSEGV)
    settings = make_settings(data_dir, base)
    prefixes = all_prefixes(settings.base)
    bindings = named.bind(_parse_params(params), prefixes)
    kind = query_kind(named.query)
    if fmt is None:
        if kind == "graph":
            fmt = "turtle"
        else:
            fmt = "table" if (out is None and sys.stdout.isatty()) else "csv"
    allowed = list(TRIPLE_FORMATS if kind == "graph" else RESULT_FORMATS)
    if fmt not in allowed:
        what = "a graph (CONSTRUCT/DESCRIBE)" if kind == "graph" else f"{kind.upper()} results"
        raise InputError(
            f"--format {fmt} does not fit {what}", hint="use one of " + ", ".join(allowed)
        )
    result: QueryResult
    if endpoint:
        result = execute_remote(endpoint, named.query, bindings, prefixes=prefixes)
    else:
        from sgraph.queries import check_entities

        if not allow_service and query_policy.mentions_refused(named.query):
            _refuse_outbound(named.query, prefixes)  # before the store is opened
        gs = open_store(settings, store_path, no_store)
        check_entities(named, bindings, gs.store, prefixes)
        try:
            result = execute(
                gs.store,
                named.query,
                bindings,
                prefixes=prefixes,
                max_rows=max_rows,
                allow_service=allow_service,
            )
        except QueryRefusedError as exc:
            raise _with_allow_hint(exc) from None
    if fmt == "table" and out is None and sys.stdout.isatty():
        # fit the terminal; on a pipe or into a file every value is written in full
        from sgraph.rdf.results import write_table

        width = shutil.get_terminal_size().columns
        body = write_table(result, prefixes, width=width).encode("utf-8")
    else:
        body = serialize(result, fmt, prefixes=prefixes)
    if out is not None:
        atomic_write_bytes(out, body)
        unit = "triples" if kind == "graph" else "rows" if kind == "select" else "answer"
        progress(f"Wrote {len(result)} {unit} to {out}")
    else:
        click.echo(body, nl=False)
    if result.truncated:
        progress(f"Note: stopped after {max_rows} rows (--max-rows).")


def _refuse_outbound(text: str, prefixes: dict[str, str]) -> None:
    """Refuse SERVICE and LOAD at once; FROM is checked against the store by ``execute``."""
    from sgraph import query_policy

    try:
        query_policy.check_query(text, local_graphs=(), prefixes=prefixes)
    except QueryRefusedError as exc:
        if exc.message.startswith(("SERVICE", "LOAD")):
            raise _with_allow_hint(exc) from None
    except SgraphError:
        pass  # an update: `execute` says so in its own words


def _with_allow_hint(exc: QueryRefusedError) -> QueryRefusedError:
    return QueryRefusedError(
        exc.message,
        hint="add --allow-service to let this query reach other servers, if you trust it",
    )


def _load(settings: Settings) -> GraphStore:
    from sgraph.store import GraphStore

    return GraphStore.load(settings)


@click.command("push")
@click.argument("url")
@click.option(
    "--graph",
    default=None,
    metavar="IRI",
    help="Replace this named graph. [default: the default graph]",
)
@click.option(
    "--user",
    default=None,
    metavar="NAME",
    help="Log in as NAME; the password from SGRAPH_PUSH_PASSWORD, ~/.netrc or a prompt.",
)
@click.option(
    "--auth",
    "scheme",
    type=click.Choice(["auto", "basic", "digest"]),
    default="auto",
    show_default=True,
    help="HTTP authentication: auto takes the one the store asks for.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against the SHACL shapes first; a graph with violations is not pushed.",
)
@data_option
@base_option
@engine_option
def push_command(
    url: str,
    graph: str | None,
    user: str | None,
    scheme: str,
    validate: bool,
    data_dir: Path | None,
    base: str | None,
    engine: str | None,
) -> None:
    """Upload the graph to a SPARQL 1.1 Graph Store Protocol endpoint.

    Sends the built graph (curated data plus the materialised standard triples) as
    N-Triples in ONE HTTP PUT to URL?default, or URL?graph=IRI with --graph, so the
    target graph is replaced at once and no reader sees half of it. The N-Triples are
    made from the store as they are sent (memory does not grow with the graph).

    A store that asks for a login gets one: user:password@ in the URL, or --user NAME
    with the password from SGRAPH_PUSH_PASSWORD, ~/.netrc or a prompt (a terminal only);
    without --user, the ~/.netrc entry of the host. Basic or Digest, as the store asks.

    \b
    Example:
      oxigraph serve --location /tmp/sg --bind 127.0.0.1:7878 &
      sgraph push http://127.0.0.1:7878/store
      SGRAPH_PUSH_PASSWORD=dba sgraph push http://127.0.0.1:8890/sparql-graph-crud-auth \\
          --user dba --graph https://w3id.org/sgraph/graph
      sgraph query publications --endpoint http://127.0.0.1:7878/query
    """
    import sys

    from sgraph.push import find_login, push, target_url

    settings = make_settings(data_dir, base)
    target = target_url(url, graph)  # refuse a malformed URL before loading anything

    def ask(prompt: str) -> str:
        return str(click.prompt(prompt, hide_input=True, err=True))

    login = find_login(url, user, ask=ask if sys.stdin.isatty() else None)
    progress(f"Data: {settings.describe_data()}")
    gs = _load(settings)
    if validate:
        from sgraph.validate import validate_store

        progress(f"Validating {len(gs)} triples ...")
        report = validate_store(gs, chosen_engine(engine))
        if not report.conforms:
            raise ValidationError(report)
    shown = {"last": -1}

    def show(sent: int, total: int) -> None:
        pct = 100 if total == 0 else sent * 100 // total
        if pct // 10 != shown["last"] // 10 or sent == total:
            shown["last"] = pct
            progress(f"  {sent:,} / {total:,} bytes ({pct}%)")

    who = f" as {login.user} (password from {login.source})" if login else ""
    progress(f"Uploading to {target}{who} ...")
    result = push(gs, url, graph, progress=show, login=login, scheme=scheme)  # type: ignore[arg-type]
    where = f"named graph <{graph}>" if graph else "the default graph"
    click.echo(
        f"Pushed {result.triples} triples ({result.bytes:,} bytes of N-Triples) to {where} "
        f"at {split_url(url)} (HTTP {result.status})"
    )


def split_url(url: str) -> str:
    """``url`` without a password, for messages."""
    from sgraph.push import split_credentials

    return split_credentials(url)[0]


def register(group: click.Group) -> None:
    group.add_command(queries_command)
    group.add_command(query_command)
    group.add_command(push_command)
