"""``/``: the query page for browsers, served from the package (``sgraph/assets/query-page/``).

The page and its script and style sheet are files of the package, so it works with no internet.
A Content-Security-Policy lets the page load and fetch from this server only.
"""

from __future__ import annotations

from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

ASSET_FOLDER = ("assets", "query-page")  # inside the sgraph package
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def asset(name: str) -> bytes:
    """One file of the query page; 404 for anything that is not a plain file name in the folder."""
    folder = resources.files("sgraph").joinpath(*ASSET_FOLDER)
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in MEDIA_TYPES:
        raise HTTPException(404)
    item = folder.joinpath(name)
    if not item.is_file():
        raise HTTPException(404)
    return item.read_bytes()


def _file_response(name: str) -> Response:
    body = asset(name)
    suffix = "." + name.rsplit(".", 1)[-1]
    return Response(
        body,
        media_type=MEDIA_TYPES[suffix],
        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
    )


async def query_page(request: Request) -> Response:
    return _file_response("index.html")


async def page_asset(request: Request) -> Response:
    return _file_response(str(request.path_params["name"]))
