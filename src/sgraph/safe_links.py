"""Which addresses a page may make clickable: the one rule every page and view follows.

Only ``http``, ``https`` and ``mailto`` addresses become links. Anything else an IRI may hold
(``javascript:``, ``data:``, ``vbscript:``, ``file:``, a ``urn:``) is shown as text, so a value in
the data can never run a script or open a local file when someone clicks it. The shapes refuse
such IRIs where a web address is expected (``ontology/shapes.ttl``); this rule holds even for
data that was never validated. The pages' own scripts (the query page, the network view) apply
the same list: :data:`LINK_SCHEMES`.
"""

from __future__ import annotations

import re

#: The URL schemes that are ever made clickable.
LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
#: Characters no link may hold: browsers drop some of them inside a scheme (``java\tscript:``).
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def clickable(url: str) -> bool:
    """True if ``url`` is an absolute ``http(s)://`` or ``mailto:`` address."""
    if _CONTROL_OR_SPACE.search(url):
        return False
    m = _SCHEME.match(url)
    if m is None:
        return False
    scheme = m.group(1).lower()
    if scheme == "mailto":
        return True
    return scheme in LINK_SCHEMES and url[m.end() : m.end() + 2] == "//"


def relative(url: str) -> bool:
    """True if ``url`` is a reference within this site: a path, ``?query`` or ``#fragment``
    with no scheme (and not ``//host``, which leaves the site)."""
    if not url or "\\" in url or url.startswith("//") or _CONTROL_OR_SPACE.search(url):
        return False
    first = re.split(r"[/?#]", url, maxsplit=1)[0]
    return ":" not in first


def safe_href(url: object, *, local: str | None = None) -> str | None:
    """The ``href`` to write for ``url``, or None to show it as text: an ``http(s)://`` or
    ``mailto:`` address, or a reference within this site.

    ``local``: the path the server answers ``url`` at, when it is one of its own IRIs.
    """
    if local is not None and relative(local) and local.startswith("/"):
        return local
    if not isinstance(url, str):
        return None
    return url if clickable(url) or relative(url) else None
