"""Which formats of the registry (``sgraph.rdf.formats``) the endpoint offers for each kind of
result: every W3C result format for SELECT and ASK, every triple format for CONSTRUCT and
DESCRIBE (and the service description). Each format answers to all its media types; a response
is labelled with the first (``Format.content_type``)."""

from __future__ import annotations

from sgraph.rdf.formats import RESULT_FORMATS, TRIPLE_FORMATS, Format, by_media_type

#: SELECT and ASK results: the standard result formats (not the terminal table or Markdown).
RESULTS: list[Format] = [f for f in RESULT_FORMATS.values() if f.w3c is not None]
#: CONSTRUCT and DESCRIBE results, and the service description.
GRAPHS: list[Format] = list(TRIPLE_FORMATS.values())
#: Every format the endpoint can answer in (listed in the service description).
SERVED: list[Format] = RESULTS + GRAPHS


def offered(kind: str) -> tuple[list[str], str]:
    """The media types offered for a query of ``kind`` ("select", "ask", "graph"), and the default."""
    formats, default = (GRAPHS, "turtle") if kind == "graph" else (RESULTS, "json")
    default_type = next(f.media_type for f in formats if f.name == default)
    return [mt for f in formats for mt in f.media_types], default_type


def format_of(media_type: str) -> Format:
    """The served format a negotiated media type (one of ``offered``) stands for."""
    found = by_media_type(media_type, SERVED)
    if found is None:  # pragma: no cover - negotiate only returns offered types
        raise ValueError(media_type)
    return found
