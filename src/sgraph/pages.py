"""HTML: the one Jinja2 environment every page is rendered with (the datasette way).

Templates live in ``sgraph/templates/`` (package data, loaded with ``jinja2.PackageLoader``).
Autoescaping is on for every template, undefined names raise (``StrictUndefined``), and data
reaches a page only through the template context: no HTML is assembled from strings of data in
Python. Two filters keep links and scripts safe:

* ``href``: a URL for an ``href`` attribute, or None when it is not http(s), mailto or a
  reference within this site (``sgraph.safe_links``: ``javascript:``, ``data:`` ... are never
  made clickable); templates test the result;
* ``json_script``: JSON that can sit inside ``<script type="application/json">``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from sgraph.safe_links import safe_href


def json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` element (the network page's encoding:
    no ``<``, ``>``, ``&`` or line separators, so it cannot close the element)."""
    from sgraph.network.page import json_for_html

    return Markup(json_for_html(value))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sgraph", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = safe_href
    env.filters["json_script"] = json_script
    return env


def render(name: str, **context: Any) -> str:
    """The template ``name`` rendered with ``context`` (``nonce`` defaults to none)."""
    context.setdefault("nonce", "")
    return environment().get_template(name).render(**context)


def asset_text(*parts: str) -> str:
    """A text file of the package (a script or a style sheet to inline in a page)."""
    from importlib import resources

    return resources.files("sgraph").joinpath(*parts).read_text(encoding="utf-8")


__all__ = ["asset_text", "environment", "json_script", "render", "safe_href"]
