"""What this endpoint will run: what ``sgraph.query_policy`` allows (read-only, nothing outside
the machine), with the protocol's ``default-graph-uri`` / ``named-graph-uri`` naming local graphs
only.

The query worker also runs in its own network namespace where the operating system allows it
(see ``sgraph.server.worker``); the check here holds without it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sgraph import query_policy


def check_query(
    text: str,
    *,
    local_graphs: Iterable[str],
    prefixes: dict[str, str] | None = None,
    default_graph_uris: Iterable[str] = (),
    named_graph_uris: Iterable[str] = (),
) -> tuple[list[str], list[str]]:
    """Raise unless ``text`` is a read-only query on this store's graphs only.

    Returns the IRIs of its ``FROM`` and ``FROM NAMED`` clauses (all local graphs).
    """
    local = set(local_graphs)
    for label, uris in (
        ("default-graph-uri", default_graph_uris),
        ("named-graph-uri", named_graph_uris),
    ):
        for uri in uris:
            if uri not in local:
                raise query_policy.not_local(label, uri, local)
    return query_policy.check_query(text, local_graphs=local, prefixes=prefixes)
