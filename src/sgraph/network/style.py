"""How each entity is drawn: colour, shape and size, the same on the page, in GEXF and GraphML,
and in pyvis. One place, so a Gephi user sees what the page shows."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupStyle:
    """Legend label, fill and border colours (#rrggbb) and shape of one group of entities."""

    label: str
    color: str
    border: str
    shape: str


#: Group -> style. Shapes are those the page draws: circle, square, diamond, triangle, star,
#: hexagon, triangleDown (pyvis calls a circle "dot").
GROUP_STYLE: dict[str, GroupStyle] = {
    "Publication": GroupStyle("Publications", "#3182ce", "#1a4e8a", "square"),
    "Review": GroupStyle("Reviews", "#d69e2e", "#744210", "diamond"),
    "Person": GroupStyle("People", "#38a169", "#1c4532", "circle"),
    "Organisation": GroupStyle("Organisations", "#e53e3e", "#822727", "triangle"),
    "Legislation": GroupStyle("Legislation", "#805ad5", "#44337a", "star"),
    "Concept": GroupStyle("Themes and topics", "#319795", "#1d4044", "hexagon"),
    "Period": GroupStyle("Periods", "#a0aec0", "#4a5568", "triangleDown"),
    "Collection": GroupStyle("Collections", "#dd6b20", "#7b341e", "square"),
    "Result": GroupStyle("Query results", "#718096", "#2d3748", "circle"),
}
OTHER_STYLE = GroupStyle("Other", "#718096", "#2d3748", "circle")
#: The order of the legend.
GROUP_ORDER = tuple(GROUP_STYLE)


def group_style(group: str) -> GroupStyle:
    style = GROUP_STYLE.get(group)
    return style if style is not None else GroupStyle(group, *_other())


def _other() -> tuple[str, str, str]:
    return OTHER_STYLE.color, OTHER_STYLE.border, OTHER_STYLE.shape


def radius(degree: int) -> float:
    """A node's radius in layout units (the units of its position): grows with the square
    root of its relations, so area follows the count."""
    return round(7.0 + 3.0 * math.sqrt(max(degree, 0)), 2)


def rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
