"""Every error sgraph raises on purpose, in one hierarchy.

The library raises these; the edges translate them in one place each:
the CLI to an exit code (``exit_code``) and the server to an HTTP status (``http_status``).

    SgraphError                      exit 2, HTTP 500
    ├── InputError                   exit 2, HTTP 400   bad input or usage
    │   ├── DataSyntaxError                             unreadable RDF (file, line, column)
    │   ├── QuerySyntaxError                            unreadable SPARQL (line, column)
    │   ├── UnknownQueryError                           no named query by that name
    │   ├── ParameterError                              a query parameter that does not fit
    │   ├── NotFoundError            HTTP 404           no such resource (a file, a page)
    │   │   └── UnknownEntityError                      no entity matches
    │   ├── AmbiguousEntityError                        several entities match
    │   ├── QueryRefusedError                           SERVICE, LOAD, remote FROM ...
    │   ├── QueryTooComplexError                        nested too deep, too long (before parsing)
    │   ├── RequestTooLargeError     HTTP 413
    │   └── NotAcceptableError       HTTP 406
    ├── ReadOnlyError                exit 2, HTTP 403   an update on a read-only endpoint
    ├── QueryTimeoutError            exit 2, HTTP 503   a query over its time limit
    ├── QueryMemoryError             exit 2, HTTP 503   a query over its worker's memory limit
    ├── ServerBusyError              exit 2, HTTP 503   no capacity to admit a query (Retry-After)
    ├── RemoteStoreError             exit 2, HTTP 502   an endpoint or store that fails or refuses
    │   └── UnreachableError                            no answer at all (sgraph.http)
    └── ValidationError              exit 1, HTTP 422   the graph does not conform to the shapes
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sgraph.validate import ValidationReport

__all__ = [
    "AmbiguousEntityError",
    "DataSyntaxError",
    "InputError",
    "LimitError",
    "NotAcceptableError",
    "NotFoundError",
    "ParameterError",
    "QueryMemoryError",
    "QueryRefusedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryTooComplexError",
    "ReadOnlyError",
    "RemoteStoreError",
    "RequestTooLargeError",
    "ServerBusyError",
    "SgraphError",
    "UnknownEntityError",
    "UnknownQueryError",
    "UnreachableError",
    "ValidationError",
]


class SgraphError(Exception):
    """Base class. ``message`` says what is wrong; ``hint`` says what to do next."""

    exit_code: int = 2
    http_status: int = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"

    def to_dict(self) -> dict[str, Any]:
        """The one error shape used by every API response and ``--format json`` output."""
        body: dict[str, Any] = {
            "status": self.http_status,
            "error": type(self).__name__,
            "message": self.message,
        }
        if self.hint:
            body["hint"] = self.hint
        return body


class InputError(SgraphError):
    """Bad input or usage: a file, a query, a parameter or an option that cannot be used."""

    exit_code = 2
    http_status = 400


class DataSyntaxError(InputError):
    """An RDF file that cannot be parsed."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message, hint=hint)
        self.path = None if path is None else Path(path)
        self.line = line
        self.column = column


class QuerySyntaxError(InputError):
    """A SPARQL query that cannot be parsed."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.line = line
        self.column = column

    def to_dict(self) -> dict[str, Any]:
        """The error shape, with the ``line`` and ``column`` (1-based) of the error if known."""
        body = super().to_dict()
        if self.line is not None:
            body["line"] = self.line
            body["column"] = self.column
        return body


class UnknownQueryError(InputError):
    """No named query by that name; ``suggestions`` are the close matches."""

    http_status = 404

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = (
            "did you mean " + ", ".join(suggestions) + "?"
            if suggestions
            else "run `sgraph queries` to list the named queries"
        )
        super().__init__(f"no named query called {name!r}", hint=hint)
        self.name = name
        self.suggestions = suggestions


class ParameterError(InputError):
    """A query parameter that is missing, unknown, or does not fit its declared type."""


class NotFoundError(InputError):
    """No such resource: a file, a dump, a page."""

    http_status = 404


class UnknownEntityError(NotFoundError):
    """No entity matches an IRI, prefixed name or label."""


class AmbiguousEntityError(InputError):
    """Several entities match a label; ``candidates`` lists them."""

    def __init__(self, label: str, candidates: list[str]) -> None:
        super().__init__(
            f"{label!r} matches {len(candidates)} entities: " + "; ".join(candidates),
            hint="give an IRI or a longer part of the label",
        )
        self.candidates = candidates


class QueryRefusedError(InputError):
    """A query sgraph will not run: it would reach outside the machine (SERVICE, LOAD, a FROM
    graph the store does not hold)."""


class LimitError(SgraphError):
    """An error that names the limit (a setting or a bound) that was passed, as ``limit`` in the
    error shape; the other base class of a subclass gives its HTTP status."""

    def __init__(self, message: str, *, limit: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.limit = limit

    def to_dict(self) -> dict[str, Any]:
        """The error shape, with the name of the limit that was passed."""
        body = super().to_dict()
        body["limit"] = self.limit
        return body


class QueryTooComplexError(LimitError, InputError):
    """A query past the bounds checked before it is parsed (``sgraph.query_policy.check_bounds``):
    nested too deeply, too many operators, too long. ``limit`` names the bound that was passed."""


class RequestTooLargeError(InputError):
    http_status = 413


class NotAcceptableError(InputError):
    http_status = 406


class ReadOnlyError(SgraphError):
    """An update sent to a read-only endpoint."""

    http_status = 403


class QueryTimeoutError(SgraphError):
    """A query that ran past its time limit."""

    http_status = 503


class ResultTooLargeError(SgraphError):
    """A complete result would pass the server's byte limit (``--max-result-bytes``)."""

    http_status = 503


class QueryMemoryError(LimitError):
    """A query whose worker passed its memory limit; ``limit`` names the setting."""

    http_status = 503


class ServerBusyError(SgraphError):
    """No capacity to take a query now; ``retry_after_s`` says when to try again."""

    http_status = 503

    def __init__(self, message: str, *, retry_after_s: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after_s = retry_after_s


class RemoteStoreError(SgraphError):
    """A remote SPARQL endpoint or graph store that cannot be reached or refuses a request."""

    http_status = 502


class UnreachableError(RemoteStoreError):
    """No answer from a remote server: refused, unknown host, timed out, or cut off."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"cannot reach {url}: {reason}",
            hint="check the URL and that the server is running and reachable",
        )
        self.url = url
        self.reason = reason


class ValidationError(SgraphError):
    """The graph does not conform to the SHACL shapes; ``report`` holds every result."""

    exit_code = 1
    http_status = 422

    def __init__(self, report: ValidationReport) -> None:
        n = len(report.violations)
        super().__init__(
            f"the graph does not conform: {n} violation{'s' if n != 1 else ''}",
            hint="fix the data at the files and lines above; `sgraph validate` checks it again "
            "without publishing",
        )
        self.report = report
