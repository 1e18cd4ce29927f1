"""What a curator asks to add: one entry per reference line or record, before reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AgentKind = Literal["person", "organisation"]
Role = Literal["creator", "publisher", "commissioner", "recipient"]


@dataclass
class AgentRef:
    """An agent named in an entry; ``kind`` is None when the input does not say."""

    name: str
    role: Role
    kind: AgentKind | None = None


@dataclass
class Entry:
    """One publication to add, as read from the input (nothing matched yet).

    ``error`` is set when the line or record cannot be read; the other fields are then partial.
    """

    line: int
    input: str
    title: str = ""
    date: str | None = None  # "2021", "2021-05" or "2021-05-14"
    types: list[str] = field(default_factory=list)  # stated types (sg: local names); empty: infer
    agents: list[AgentRef] = field(default_factory=list)
    et_al: bool = False
    url: str | None = None
    responds_to: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    comment: str | None = None
    source: str | None = None  # URL or IRI; None: the file's source
    error: str | None = None
