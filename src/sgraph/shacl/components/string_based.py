"""String-based constraint components (SHACL 4.4): sh:minLength, sh:maxLength, sh:pattern,
sh:languageIn, sh:uniqueLang. Lengths and patterns read the lexical form as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH, XSD

from sgraph.shacl.components.base import Component, Found, ValueComponent, integer
from sgraph.shacl.query import Value, bad_shape, local, rdf_list, string

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph

TRUE = rdflib.Literal(True)


class _LengthComponent(ValueComponent):
    operator: str

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        integer(sg, con, self.parameters[0])

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return f"(!isBlank({v.var}) && STRLEN({v.lex()}) {self.operator} {int(str(con.value))})"


class MinLengthComponent(_LengthComponent):
    iri = SH.MinLengthConstraintComponent
    parameters = (SH.minLength,)
    operator = ">="
    message = "Value is shorter than the minimum length"


class MaxLengthComponent(_LengthComponent):
    iri = SH.MaxLengthConstraintComponent
    parameters = (SH.maxLength,)
    operator = "<="
    message = "Value is longer than the maximum length"


class PatternComponent(ValueComponent):
    """The lexical form (an IRI's text) matches the regular expression; blank nodes never do."""

    iri = SH.PatternConstraintComponent
    parameters = (SH.pattern,)
    optional = (SH.flags,)
    message = "Value does not match the pattern"

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        for p in (SH.pattern, SH.flags):
            node = con.get(p)
            if node is not None and not (
                isinstance(node, rdflib.Literal) and node.datatype in (None, XSD.string)
            ):
                raise bad_shape(f"{local(p)} must be a string, not {node.n3()}", con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        flags = con.get(SH.flags)
        args = f"{string(str(con.value))}" + (f", {string(str(flags))}" if flags else "")
        return f"(!isBlank({v.var}) && REGEX({v.lex()}, {args}))"


class LanguageInComponent(ValueComponent):
    """The value node is a literal whose language tag matches one of the list (langMatches)."""

    iri = SH.LanguageInConstraintComponent
    parameters = (SH.languageIn,)
    message = "Language is not in the allowed languages"

    def _languages(self, sg: ShapesGraph, con: Constraint) -> list[str]:
        langs = rdf_list(sg.g, con.value, con.shape)
        if not all(isinstance(x, rdflib.Literal) for x in langs):
            raise bad_shape("sh:languageIn must list string literals", con.shape)
        return [str(x) for x in langs]

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        self._languages(sg, con)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        langs = self._languages(c.sg, con)
        matches = [f"langMatches(LANG({v.var}), {string(x)})" for x in langs]
        return f"(isLiteral({v.var}) && ({' || '.join(matches) or 'false'}))"


class UniqueLangComponent(Component):
    """No two value nodes share a language tag: one result per focus node and duplicated tag."""

    iri = SH.UniqueLangConstraintComponent
    parameters = (SH.uniqueLang,)
    property_only = True
    message = "More than one value has the same language tag"

    def active(self, sg: ShapesGraph, con: Constraint) -> bool:
        return con.value == TRUE  # SHACL names only true ("1"^^xsd:boolean does not count)

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        a, bind_a = values.bind(c, "l")
        b, bind_b = values.bind(c, "l")
        lang = c.names.var("lang")
        pattern = (
            f'{bind_a} {bind_b} FILTER(!sameTerm({a.var}, {b.var}) && LANG({a.var}) != "" '
            f"&& LANG({a.var}) = LANG({b.var})) BIND(LANG({a.var}) AS {lang})"
        )
        return [Found(pattern, keys=(lang,))]
