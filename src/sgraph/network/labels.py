"""What a person reads on the map: short labels that are never the same twice, and the words
search finds an entity by (its names, alternative labels and acronyms)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

#: Longest label drawn on the map (the full title is in the tooltip and the panel).
MAX_SHORT = 40

_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "under",
        "with",
        "within",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents: what search compares (``Sørensen`` -> ``sorensen``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("ł", "l")


def cut(text: str, limit: int = MAX_SHORT) -> str:
    """``text`` at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2 :]:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:-–—(…") + "…"


def acronym(text: str) -> str:
    """Initials of the significant words: "Child Safeguarding Practice Review Panel" ->
    "CSPRP"; "" when there are fewer than two."""
    words = [w for w in _WORD.findall(text) if w.casefold() not in _SMALL]
    initials = "".join(w[0].upper() for w in words if not w.isdigit())
    return initials if len(initials) >= 2 else ""


def _common_words(texts: Sequence[str]) -> int:
    """How many whole words every text starts with (trailing punctuation aside)."""
    words = [[w.rstrip(":,;.") for w in t.split(" ")] for t in texts]
    n = 0
    for column in zip(*words, strict=False):
        if len(set(column)) != 1:
            break
        n += 1
    return n


def short_labels(
    labels: Mapping[str, str],
    kinds: Mapping[str, str],
    years: Mapping[str, int | None],
    known: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """A short label for every key, at most MAX_TAGGED characters and no two the same
    (ignoring case): the label cut to MAX_SHORT; where cuts collide, the shared start
    shortened so the differing part shows: to its initials when those are a name in use
    (``known``, e.g. the alternative labels: "CSPRP: annual report 2020"), else cut
    ("Safeguarding partners' yearly… 2019-20"); where they still collide, what tells them
    apart added: as much of the kind as tells the kinds apart, the year where the years differ
    ("Child Q (report, 2022)", "Child Q (review)", "Working Together to Safeguard Children
    (1999)"); a number
    as the last resort. The full title stays in the tooltip and the panel."""
    out = {k: cut(labels[k]) for k in sorted(labels)}
    for clash in _clashes(out):
        full = [" ".join(labels[k].split()) for k in clash]
        n = _common_words(full)
        shared = " ".join(full[0].split(" ")[:n])
        if n < 2 or len(shared) < 12:
            continue
        initials = acronym(shared)
        for k, text in zip(clash, full, strict=True):
            mine = text.split(" ")
            rest = " ".join(mine[n:])
            if not rest:  # the one whose whole label is the shared start keeps its cut label
                continue
            tail = mine[n - 1][-1] if mine[n - 1][-1] in ":,;" else ""
            if initials and initials in known:
                out[k] = cut(f"{initials}{tail} {rest}")
            else:
                room = max(MAX_SHORT - min(len(rest), MAX_SHORT // 2) - 1, 8)
                out[k] = cut(shared, room).rstrip("…") + "… " + cut(rest, MAX_SHORT - room)
    for clash in _clashes(out):
        kind_differs = len({kinds.get(k, "") for k in clash}) > 1
        year_differs = len({years.get(k) for k in clash}) > 1
        tags = _kind_tags([kinds.get(k, "") for k in clash])
        for k, tag in zip(clash, tags, strict=True):
            # the shared start shortened to initials in use is kept; a cut one is not
            base = out[k] if "…" not in out[k] else labels[k]
            out[k] = _tagged(
                base, tag if kind_differs else "", years.get(k) if year_differs else None
            )
    taken = {s.casefold() for s in out.values()}
    for clash in _clashes(out):
        for k in clash[1:]:
            i = 2
            while True:
                number = f" #{i}"
                text = cut(out[k], MAX_TAGGED - len(number)) + number
                if text.casefold() not in taken:
                    break
                i += 1
            out[k] = text
            taken.add(text.casefold())
    return out


#: Longest label with what tells it apart (kind, year, number) added.
MAX_TAGGED = 48
#: The least of the label's own words kept beside a kind and year.
_MIN_BASE = 20


def _kind_tags(kinds: Sequence[str]) -> list[str]:
    """The fewest last words of each kind that still tell the kinds apart: {"Local review
    report", "Local child safeguarding practice review"} -> "report", "review"; the panel
    says the kind in full."""
    distinct = set(kinds)
    longest = max(len(k.split()) for k in kinds)
    for m in range(1, longest + 1):
        tags = [" ".join(k.split()[-m:]) for k in kinds]
        if len(set(tags)) == len(distinct):
            return tags
    return list(kinds)


def _tagged(text: str, kind: str, year: int | None) -> str:
    """``text (kind, year)`` in at most MAX_TAGGED characters: the label keeps at least
    _MIN_BASE characters, the kind is cut to what is left."""
    extra = str(year) if isinstance(year, int) else ""
    if not kind and not extra:
        return text
    after = f", {extra}" if kind and extra else extra
    base = cut(text, max(MAX_TAGGED - 3 - len(kind) - len(after), _MIN_BASE))
    kind = cut(kind, MAX_TAGGED - 3 - len(after) - len(base)) if kind else ""
    return f"{base} ({kind}{after})"


def _clashes(shorts: Mapping[str, str]) -> list[list[str]]:
    by_text: dict[str, list[str]] = {}
    for k in sorted(shorts):
        by_text.setdefault(shorts[k].casefold(), []).append(k)
    return [keys for keys in by_text.values() if len(keys) > 1]


def search_text(names: Sequence[str], extra: Sequence[str] = ()) -> str:
    """The folded words search looks in: every name, its acronym, and ``extra`` (a type,
    a year), one line each."""
    lines: list[str] = []
    for name in names:
        if not name:
            continue
        lines.append(fold(name))
        initials = acronym(name)
        if initials and len(initials) <= 8:
            lines.append(initials.casefold())
    lines.extend(fold(x) for x in extra if x)
    seen: dict[str, None] = dict.fromkeys(lines)
    return "\n".join(seen)
