"""The constraint components of the fast SHACL engine: one class each, registered in one table.

The modules follow the sections of the SHACL Recommendation (and pySHACL's layout): value type,
cardinality, value range, string-based, property pair, logical, shape-based, other, SPARQL.
A shape that uses a SHACL parameter no component here knows is refused by name.
"""

from __future__ import annotations

from sgraph.shacl.components.base import Component, Found, ValueComponent
from sgraph.shacl.components.cardinality import MaxCountComponent, MinCountComponent
from sgraph.shacl.components.logical import AndComponent, NotComponent, OrComponent, XoneComponent
from sgraph.shacl.components.other import ClosedComponent, HasValueComponent, InComponent
from sgraph.shacl.components.property_pair import (
    DisjointComponent,
    EqualsComponent,
    LessThanComponent,
    LessThanOrEqualsComponent,
)
from sgraph.shacl.components.shape_based import (
    NodeComponent,
    PropertyComponent,
    QualifiedMaxCountComponent,
    QualifiedMinCountComponent,
)
from sgraph.shacl.components.sparql_based import SPARQLComponent
from sgraph.shacl.components.string_based import (
    LanguageInComponent,
    MaxLengthComponent,
    MinLengthComponent,
    PatternComponent,
    UniqueLangComponent,
)
from sgraph.shacl.components.value_range import (
    MaxExclusiveComponent,
    MaxInclusiveComponent,
    MinExclusiveComponent,
    MinInclusiveComponent,
)
from sgraph.shacl.components.value_type import ClassComponent, DatatypeComponent, NodeKindComponent

#: Every component the engine evaluates. A shape's results come in this order (cardinality
#: first, sh:property shapes and SPARQL constraints last), which is also pySHACL's order where
#: results tie in ``sgraph.validate``'s sort.
COMPONENTS: tuple[Component, ...] = (
    MinCountComponent(),
    MaxCountComponent(),
    ClassComponent(),
    DatatypeComponent(),
    NodeKindComponent(),
    MinExclusiveComponent(),
    MinInclusiveComponent(),
    MaxExclusiveComponent(),
    MaxInclusiveComponent(),
    MinLengthComponent(),
    MaxLengthComponent(),
    PatternComponent(),
    LanguageInComponent(),
    UniqueLangComponent(),
    EqualsComponent(),
    DisjointComponent(),
    LessThanComponent(),
    LessThanOrEqualsComponent(),
    NotComponent(),
    OrComponent(),
    AndComponent(),
    XoneComponent(),
    NodeComponent(),
    QualifiedMinCountComponent(),
    QualifiedMaxCountComponent(),
    ClosedComponent(),
    HasValueComponent(),
    InComponent(),
    PropertyComponent(),
    SPARQLComponent(),
)

__all__ = ["COMPONENTS", "Component", "Found", "ValueComponent"]
