"""Normalising labels, parsing person names, and making slugs.

Everything the reconciler compares goes through :func:`label_key` (case, accents, quotes, dashes
and punctuation do not matter) or :func:`parse_person` (surname plus given names or initials).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_WORD_RE = re.compile(r"[a-z0-9]+")
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "&": " and ",
    }
)

#: Words left out when an acronym is made from a name ("Department for Education" -> DE / DFE).
STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "s"})
HONORIFIC_PREFIXES = frozenset(
    {
        "sir",
        "dame",
        "dr",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "lord",
        "lady",
        "baroness",
        "baron",
        "rt",
        "hon",
        "the",
        "cllr",
        "rev",
    }
)
HONORIFIC_SUFFIXES = frozenset(
    {
        "cbe",
        "obe",
        "mbe",
        "dbe",
        "kbe",
        "kc",
        "qc",
        "mp",
        "frs",
        "phd",
        "bem",
        "cb",
        "jp",
        "jr",
        "sr",
    }
)


@functools.lru_cache(maxsize=1 << 16)  # labels are compared over and over
def plain(text: str) -> str:
    """Text with typographic quotes and dashes made plain, accents removed, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLATE))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``; apostrophes join (children's -> childrens)."""
    return _WORD_RE.findall(plain(text).replace("'", "").casefold())


def label_key(text: str) -> str:
    """The form two labels are compared in for an exact match."""
    return " ".join(words(text))


def numbers(text: str) -> frozenset[str]:
    """The numbers in a title ("Annual report 2020" -> {"2020"}): titles that differ here differ."""
    return frozenset(w for w in words(text) if w.isdigit())


def acronyms(name: str) -> set[str]:
    """Lower-case acronyms of an organisation name, with and without the small words."""
    ws = words(name)
    out = {"".join(w[0] for w in ws)}
    significant = [w for w in ws if w not in STOPWORDS]
    if significant:
        out.add("".join(w[0] for w in significant))
    return {a for a in out if len(a) >= 2}


def looks_like_acronym(text: str) -> bool:
    t = plain(text)
    return (
        " " not in t and 2 <= len(t) <= 10 and t.isalpha() and sum(1 for c in t if c.isupper()) >= 2
    )


def slugify(text: str, max_words: int = 10) -> str:
    """A slug ``^[a-z0-9]+(-[a-z0-9]+)*$`` of at most ``max_words`` words ("" if none)."""
    ws = words(text)[:max_words]
    while len(ws) > 1 and ws[-1] in STOPWORDS:
        ws.pop()
    return "-".join(ws)


@dataclass(frozen=True)
class PersonName:
    """A person's name as surname plus given names (full names or initials)."""

    surname: str  # as written
    given: tuple[str, ...]  # full given names or single letters (initials), as written

    @property
    def surname_key(self) -> str:
        return label_key(self.surname)

    @property
    def initials(self) -> str:
        return "".join(g[0].casefold() for g in self.given if g)

    @property
    def has_full_given(self) -> bool:
        return any(len(g) > 1 for g in self.given)

    def display(self) -> str:
        """Name in natural order; initials get a full stop ("J. Dickens")."""
        given = [g if len(g) > 1 else g + "." for g in self.given]
        return " ".join([*given, self.surname])

    def compatible(self, other: PersonName) -> bool:
        """Same surname, and given names that can be the same person.

        Full given names must be equal; where either side has only initials, the initials they
        both give must agree ("Dickens, J." ~ "Jonathan Dickens"; "Dickens, J." !~ "Mary Dickens").
        """
        if self.surname_key != other.surname_key or not self.surname_key:
            return False
        if not self.given or not other.given:
            return True
        if self.has_full_given and other.has_full_given:
            return label_key(self.given[0]) == label_key(other.given[0])
        n = min(len(self.initials), len(other.initials))
        return self.initials[:n] == other.initials[:n]


_INITIALS_RE = re.compile(r"^(?:[A-Z]\.?\s*-?)+$")


def parse_person(name: str) -> PersonName | None:
    """Parse "Dickens, J.", "Dickens, Jonathan", "Jonathan Dickens" or "Sir Alan Wood CBE"."""
    text = plain(name).strip(" ,;")
    if not text:
        return None
    if "," in text:
        surname, _, rest = text.partition(",")
        surname = surname.strip()
        rest = rest.strip()
        if _INITIALS_RE.match(rest):
            given = tuple(re.findall(r"[A-Z]", rest))
        else:
            given = tuple(
                t for t in re.split(r"[\s.]+", rest) if t and t.casefold() not in HONORIFIC_PREFIXES
            )
        tokens = [t for t in surname.split() if t.casefold().strip(".") not in HONORIFIC_PREFIXES]
        if not tokens:
            return None
        return PersonName(" ".join(tokens), given)
    tokens = [t for t in text.replace(".", ". ").split() if t]
    while tokens and tokens[0].casefold().strip(".") in HONORIFIC_PREFIXES:
        tokens.pop(0)
    while tokens and tokens[-1].casefold().strip(".") in HONORIFIC_SUFFIXES:
        tokens.pop()
    if not tokens:
        return None
    if len(tokens) == 1:
        return PersonName(tokens[0], ())
    given = tuple(t.strip(".") for t in tokens[:-1])
    return PersonName(tokens[-1], given)


#: "Surname, I." or "Surname, I. J." (a person in the citation style).
CITED_PERSON_RE = re.compile(r"^[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*,\s*(?:[A-Z]\.\s*-?)+$")
