"""HTTP content negotiation with q-values (RFC 9110, section 12.5.1)."""

from __future__ import annotations

from dataclasses import dataclass

from sgraph.errors import NotAcceptableError


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match ``media_type``, else 0 (*/*), 1 (type/*) or 2 (exact)."""
        mtype, _, msub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != mtype:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == msub else -1


def parse_accept(accept: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed ranges are skipped."""
    ranges: list[MediaRange] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype, sep, subtype = fields[0].lower().partition("/")
        if not sep or not mtype or not subtype or (mtype == "*" and subtype != "*"):
            continue
        q = 1.0
        valid = True
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    valid = False
                if not 0.0 <= q <= 1.0:
                    valid = False
        if valid:
            ranges.append(MediaRange(mtype, subtype, q))
    return ranges


def negotiate(accept: str | None, offered: list[str], default: str) -> str:
    """The media type of ``offered`` the client prefers.

    Highest q-value wins; on a tie the more specific match wins (``text/csv`` over ``*/*``), then
    ``default``, then the order of ``offered``. No or an empty Accept header gives ``default``.
    Raises ``NotAcceptableError`` (406) when every offered type has q=0 or matches no range.
    """
    if accept is None or not accept.strip():
        return default
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple[float, int, int, int] | None = None
    chosen = default
    for index, media_type in enumerate(offered):
        mt = media_type.lower()
        # the most specific matching range decides this type's q (RFC 9110)
        matches = [(r.specificity(mt), r.q) for r in ranges if r.specificity(mt) >= 0]
        if not matches:
            continue
        spec, q = max(matches, key=lambda m: m[0])
        if q <= 0:
            continue
        key = (q, spec, 1 if media_type == default else 0, -index)
        if best is None or key > best:
            best, chosen = key, media_type
    if best is None:
        raise NotAcceptableError(
            f"none of the media types in Accept: {accept!r} can be produced here",
            hint="acceptable types: " + ", ".join(offered),
        )
    return chosen
