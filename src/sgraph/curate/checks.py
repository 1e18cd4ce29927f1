"""What a curator's input may hold: characters that can be published, IRIs that are IRIs.

Checked while the input is read, so a problem is reported with its line (and nothing is
written) instead of surfacing later as a traceback in ``sgraph build``: NUL and the other
control characters (``sgraph.xsd.unpublishable``), and web addresses (``# source:``, ``url``,
``source``) that are not absolute http(s) IRIs, such as ``http://x/"><script>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from sgraph.xsd import unpublishable

_WEB = re.compile(r"^https?://[^/?#\s]+", re.IGNORECASE)
_OTHER_SCHEMES = re.compile(r"^(file|urn):\S+$", re.IGNORECASE)


def text_problem(text: str, what: str = "the line") -> str | None:
    """Why ``text`` cannot be published, or None."""
    bad = unpublishable(text, curated=True)
    return f"{what} holds {bad}, which cannot be published: remove it" if bad else None


def texts_problem(values: Iterable[tuple[str, str]]) -> str | None:
    """The first problem among (what, text) pairs, or None."""
    for what, text in values:
        why = text_problem(text, what)
        if why:
            return why
    return None


def iri_problem(text: str, what: str, *, web_only: bool = True) -> str | None:
    """Why ``text`` is not an IRI sgraph can record as ``what``, or None.

    ``web_only``: only http(s) addresses (else also ``file:`` and ``urn:`` IRIs).
    """
    bad = unpublishable(text, curated=True)
    if bad:
        return f"{what} holds {bad}: remove it"
    if not (_WEB.match(text) or (not web_only and _OTHER_SCHEMES.match(text))):
        kinds = "an http(s) address" if web_only else "an http(s) address (or a file: or urn: IRI)"
        return f"{what} {text!r} is not {kinds}, such as https://www.gov.uk/..."
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        return (
            f"{what} {text!r} is not a valid IRI ({exc}): write characters such as "
            'spaces, quotes, < > and " as %-escapes'
        )
    return None
