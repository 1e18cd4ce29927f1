"""`queries/chair-on-date.rq` gives the rows of the query it replaced.

The old text (nested ``FILTER NOT EXISTS`` over every other chair membership, quadratic or worse
on Oxigraph) is kept as ``tests/fixtures/queries/chair-on-date-reference.rq``. Both run on the
same store for every date where a row can appear or go: each recorded start and end, taken as
its first and last day (a month or a year covers several), the day before and after each, and
dates outside every range. They must agree on

* the projection and the sort key ``(STR(?since), ?chair)`` of every row, in order, and
* the rows themselves, counted with their repeats (rows that tie on the sort key come in an
  order SPARQL leaves open),

on (a) the curated data, (b) ``sgraph synth`` data of about 10k triples, and (c) the hand-made
``tests/fixtures/chair-on-date/chairs.ttl`` (mixed precision, two Panels, ties, gaps, overlaps).
The fixture's rows are also checked against values written by hand, plausible wrong rewrites
are shown to differ from the reference on it (so the comparison can fail), and a real Oxigraph
server gives the same rows as the embedded store on it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from servers import running_oxigraph
from sgraph.config import Settings
from sgraph.push import push
from sgraph.queries import NamedQuery, load_library, load_query_file, parse_query
from sgraph.sparql import QueryResult, execute, execute_remote
from sgraph.store import GraphStore
from sgraph.synth import generate
from sgraph.terms import OxTerm

HERE = Path(__file__).parent
REFERENCE = HERE / "fixtures" / "queries" / "chair-on-date-reference.rq"
FIXTURE = HERE / "fixtures" / "chair-on-date"
SG = "https://w3id.org/sgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PERSON = "https://w3id.org/sgraph/id/person/"
ORGANISATION = "https://w3id.org/sgraph/id/organisation/"
#: Before, between and after every range in the data sets used here.
OUTSIDE = ("1066-10-14", "1899-12-31", "1970-01-01", "2099-12-31", "2999-01-01")

Row = tuple[tuple[str, OxTerm], ...]


@pytest.fixture(scope="module")
def new() -> NamedQuery:
    return load_library()["chair-on-date"]


@pytest.fixture(scope="module")
def reference() -> NamedQuery:
    return load_query_file(REFERENCE)


@pytest.fixture(scope="module")
def fixture_store() -> GraphStore:
    return GraphStore.load(Settings(), [FIXTURE])


@pytest.fixture(scope="module", params=[1, 2, 3])
def synth_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> GraphStore:
    out = tmp_path_factory.mktemp("synth") / f"s10k-{request.param}"
    generate(10_000, out, seed=request.param)
    return GraphStore.load(Settings(), [out])


# -- helpers -----------------------------------------------------------------------------------
def run(gs: GraphStore, q: NamedQuery, date: str) -> QueryResult:
    return execute(gs.store, q.query, q.bind({"date": date}, gs.prefixes), prefixes=gs.prefixes)


def text(term: OxTerm | None) -> str:
    """A term's lexical form or IRI ("" when unbound)."""
    if term is None:
        return ""
    return str(term) if isinstance(term, ox.Triple) else term.value


def as_row(row: dict[str, OxTerm]) -> Row:
    return tuple(sorted(row.items()))


def sort_key(row: dict[str, OxTerm]) -> tuple[str, str]:
    return (text(row["since"]), text(row["chair"]))


def recorded_dates(gs: GraphStore, *, chairs_only: bool) -> list[str]:
    """The lexical forms of every sg:startDate and sg:endDate (of chair memberships only)."""
    role = f"?m <{ORG}role> <{SG}chair> ." if chairs_only else ""
    query = f"SELECT DISTINCT ?d WHERE {{ {role} ?m <{SG}startDate>|<{SG}endDate> ?d FILTER(isLiteral(?d)) }}"
    solutions = gs.store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(text(s["d"]) for s in solutions)


def days_around(values: Iterable[str]) -> list[str]:
    """First and last day of each recorded value (year, year-month, date or longer), +/- 1 day."""
    days: set[dt.date] = set()
    for v in values:
        if len(v) == 4:
            first, last = dt.date(int(v), 1, 1), dt.date(int(v), 12, 31)
        elif len(v) == 7:
            y, m = int(v[:4]), int(v[5:7])
            first, last = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        else:
            first = last = dt.date.fromisoformat(v[:10])
        one = dt.timedelta(days=1)
        days |= {first - one, first, first + one, last - one, last, last + one}
    return sorted({d.isoformat() for d in days} | set(OUTSIDE))


def assert_same(
    gs: GraphStore, a: NamedQuery, b: NamedQuery, dates: list[str]
) -> dict[str, list[Row]]:
    """a and b agree on every date; the rows of a, by date."""
    seen: dict[str, list[Row]] = {}
    for date in dates:
        ra, rb = run(gs, a, date), run(gs, b, date)
        assert ra.variables == rb.variables, date
        assert [sort_key(r) for r in ra.rows] == [sort_key(r) for r in rb.rows], date
        assert Counter(map(as_row, ra.rows)) == Counter(map(as_row, rb.rows)), date
        seen[date] = [as_row(r) for r in ra.rows]
    return seen


def non_trivial(seen: dict[str, list[Row]], bases: set[str]) -> None:
    # (every row has an ?untilBasis now: "end not recorded" when there is neither end nor successor)
    """The dates compared include ones with no chair, and rows with (at least) each of ``bases``."""
    assert any(not rows for rows in seen.values())
    assert {text(dict(r)["untilBasis"]) for rows in seen.values() for r in rows} >= bases


# -- (a) curated, (b) synthetic, (c) hand-made ----------------------------------------------------
def test_same_rows_as_reference_on_curated_data(
    graph_store: GraphStore, new: NamedQuery, reference: NamedQuery
) -> None:
    dates = days_around(recorded_dates(graph_store, chairs_only=False))
    seen = assert_same(graph_store, new, reference, dates)
    assert len(dates) > 40
    non_trivial(seen, {NEXT, OPEN})  # no Panel chair has a recorded end here (yet)


def test_same_rows_as_reference_on_synthetic_data(
    synth_store: GraphStore, new: NamedQuery, reference: NamedQuery
) -> None:
    # Only chair memberships' dates: no other date can start or end a row of this query.
    values = recorded_dates(synth_store, chairs_only=True)
    assert len(values) >= 5
    seen = assert_same(synth_store, new, reference, days_around(values))
    # synth chairs have consecutive terms with recorded ends, the last one open
    non_trivial(seen, {END, OPEN})


def test_same_rows_as_reference_on_mixed_precision_fixture(
    fixture_store: GraphStore, new: NamedQuery, reference: NamedQuery
) -> None:
    dates = days_around(recorded_dates(fixture_store, chairs_only=False))
    seen = assert_same(fixture_store, new, reference, dates)
    non_trivial(seen, {END, NEXT, OPEN})
    assert any(len(rows) != len(set(rows)) for rows in seen.values())  # repeated rows (ties)
    assert {text(dict(r)["panel"]) for rows in seen.values() for r in rows} == {
        ORGANISATION + "panel-one",
        ORGANISATION + "panel-two",
    }


def test_settled_only_where_a_source_settles_the_date(
    graph_store: GraphStore, new: NamedQuery
) -> None:
    """Timpson is attested as Chair on 18 October 2019 (CYPNow) and his end is not recorded:
    before that day a source settles who chaired the Panel, after it the query says it does not,
    and it still never gives two chairs."""

    def rows(date: str) -> list[tuple[str, str, str, str]]:
        return [
            (
                text(r["chair"]).removeprefix(PERSON),
                text(r["untilBasis"]),
                text(r.get("lastAttested")),
                text(r["settled"]),
            )
            for r in run(graph_store, new, date).rows
        ]

    timpson = ("edward-timpson", NEXT, "2019-10-18")
    assert rows("2019-10-18") == [(*timpson, "yes")]
    assert rows("2019-10-19") == [(*timpson, "no")]
    assert rows("2020-11-30") == [(*timpson, "no")]
    hudson = rows("2025-03-13")
    assert hudson == [("annie-hudson", OPEN, "2025-03-13", "yes")]
    assert rows("2030-01-01") == [("annie-hudson", OPEN, "2025-03-13", "no")]


# -- the fixture's rows, written by hand from chairs.ttl ----------------------------------------
def _lit(value: str, kind: str | None) -> str:
    return value if kind is None else f"{value}^^{kind}"


D, YM, Y, DT, S = "date", "gYearMonth", "gYear", "dateTime", None
NEXT, END, OPEN = "end not recorded; next chair's start", "recorded end", "end not recorded"
#: date -> rows (chair, chairName, panel, since, until, untilBasis) in the query's order; rows
#: that tie on (since, chair) are listed sorted.
EXPECTED: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "2000-12-31": [],
    "2001-01-01": [("ada", "Ada", "panel-one", "2001-01-01", _lit("2003-06", YM), END)],
    "2003-06-30": [("ada", "Ada", "panel-one", "2001-01-01", _lit("2003-06", YM), END)],
    "2003-07-01": [],  # a gap: the month end has passed, the next chair has not started
    "2005-05-31": [
        ("ben", "Ben", "panel-one", "2004-02-01", _lit("2005-12-31", D), END),
        ("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT),
    ],
    "2005-06-01": [  # Ben's recorded end is later, but Cal has started
        ("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT),
        ("cal", "Cal", "panel-one", "2005-06", _lit("2006-01-01", D), NEXT),
    ],
    # Dee's term is over, and Cal is not chair again
    "2006-05-01": [("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT)],
    "2009-06-01": [  # neither Ned's membership nor the department's chair ends Eve's term
        ("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT),
        ("eve", "Eve", "panel-one", "2008", _lit("2010-06", YM), NEXT),
    ],
    "2010-05-31": [
        ("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT),
        ("eve", "Eve", "panel-one", "2008", _lit("2010-06", YM), NEXT),
    ],
    "2010-06-01": [
        ("max", "Max", "panel-two", "2004-07", _lit("2010-06-10", D), NEXT),
        ("fay", "Fay", "panel-one", "2010-06", _lit("2010-06-15", D), NEXT),
    ],
    "2010-06-14": [
        ("fay", "Fay", "panel-one", "2010-06", _lit("2010-06-15", D), NEXT),
        ("ada", "Ada", "panel-two", "2010-06-10", _lit("2011-12", YM), END),
    ],
    # two successors from the same day: the row twice
    "2012-08-31": [("gus", "Gus", "panel-one", "2010-06-15", _lit("2012-09-01", D), NEXT)] * 2,
    "2012-09-01": sorted(
        (who, name, "panel-one", "2012-09-01", _lit("2015", kind), NEXT)
        for who, name in [("hal", "Hal"), ("hal", "Harold"), ("ivy", "Ivy")]
        for kind in (Y, S)
    ),
    "2015-01-01": [
        ("oz", "Oz", "panel-two", "2013", "", OPEN),
        ("jo", "Jo", "panel-one", "2015", _lit("2018-03-01", D), NEXT),
        ("kit", "Kit", "panel-one", "2015", _lit("2018-03-01", D), NEXT),
    ],
    "2020-07-04": [  # Lu's second start is not Lu's successor; the member-less chair is
        ("oz", "Oz", "panel-two", "2013", "", OPEN),
        ("lu", "Lu", "panel-one", "2018-03-01", _lit("2020-07-04T10:00:00", DT), NEXT),
        ("lu", "Lu", "panel-one", "2019", _lit("2020-07-04T10:00:00", DT), NEXT),
    ],
    "2020-07-05": [("oz", "Oz", "panel-two", "2013", "", OPEN)],
    "2023-12-31": [
        ("oz", "Oz", "panel-two", "2013", "", OPEN),
        ("hal", "Hal", "panel-one", "2021-01", _lit("2023", Y), END),
        ("hal", "Harold", "panel-one", "2021-01", _lit("2023", Y), END),
    ],
    "2024-01-01": [("oz", "Oz", "panel-two", "2013", "", OPEN)],
}


def _short(row: dict[str, OxTerm]) -> tuple[str, str, str, str, str, str]:
    until = row.get("until")
    kind = until.datatype.value if isinstance(until, ox.Literal) else ""
    if kind.startswith(XSD) and kind != XSD + "string":
        until_text = _lit(text(until), kind[len(XSD) :])
    else:
        until_text = text(until)
    return (
        text(row["chair"]).removeprefix(PERSON),
        text(row["chairName"]),
        text(row["panel"]).removeprefix(ORGANISATION),
        text(row["since"]),
        until_text,
        text(row["untilBasis"]),
    )


@pytest.mark.parametrize("date", sorted(EXPECTED))
def test_fixture_rows_written_by_hand(
    fixture_store: GraphStore, new: NamedQuery, date: str
) -> None:
    rows = run(fixture_store, new, date).rows
    got = [_short(r) for r in rows]
    # order by (since, chair); within a tie, compare sorted
    keys = [(text(r["since"]), text(r["chair"])) for r in rows]
    assert keys == sorted(keys)
    assert sorted(got) == sorted(EXPECTED[date])
    assert [(g[3], g[0]) for g in got] == [(e[3], e[0]) for e in EXPECTED[date]]
    assert all(r["date"] == ox.Literal(date, datatype=ox.NamedNode(XSD + "date")) for r in rows)


# -- the comparison can fail: wrong rewrites differ from the reference on the fixture ----------
SUCCESSOR_FILTER = "STRLEN(STR(?nextStart))) < STR(?nextStart))"
MUTANTS: dict[str, list[tuple[str, str]]] = {
    # the successor's start day still counted as the predecessor's
    "successor start inclusive": [(SUCCESSOR_FILTER, SUCCESSOR_FILTER.replace(" < ", " <= "))],
    # the date compared at the precision of the predecessor's start, not the successor's
    "predecessor's precision": [
        (SUCCESSOR_FILTER, SUCCESSOR_FILTER.replace("LEN(STR(?nextStart", "LEN(STR(?since"))
    ],
    # the membership's own later start taken as its successor
    "own start as successor": [("FILTER(?later != ?membership && ", "FILTER(")],
    # later chairs of any organisation, not the same Panel
    "any organisation": [
        ("?later org:organization ?panel ;", "?later org:organization ?anyOrganisation ;")
    ],
    # the earliest successor by typed value (a date, a month and a year do not compare)
    "typed minimum": [
        ("(MIN(STR(?laterStart)) AS ?nextKey)", "(MIN(?laterStart) AS ?nextKey)"),
        ("STR(?nextStart) = ?nextKey)", "?nextStart = ?nextKey)"),
    ],
    # later chairs by typed value
    "typed later": [("STR(?laterStart) > STR(?since)", "?laterStart > ?since")],
    # one row per membership and date, whatever the number of successors
    "distinct rows": [("SELECT ?date ?chair", "SELECT DISTINCT ?date ?chair")],
}


def first_difference(gs: GraphStore, a: NamedQuery, b: NamedQuery, dates: list[str]) -> str | None:
    """The first date on which a and b give different rows (as assert_same compares them)."""
    for date in dates:
        ra, rb = run(gs, a, date), run(gs, b, date)
        if [sort_key(r) for r in ra.rows] != [sort_key(r) for r in rb.rows]:
            return date
        if Counter(map(as_row, ra.rows)) != Counter(map(as_row, rb.rows)):
            return date
    return None


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_a_wrong_rewrite_differs_on_the_fixture(
    fixture_store: GraphStore, new: NamedQuery, reference: NamedQuery, mutant: str
) -> None:
    text_ = new.query
    for old, replacement in MUTANTS[mutant]:
        assert text_.count(old) == 1, (mutant, old)
        text_ = text_.replace(old, replacement)
    wrong = parse_query(text_, name=mutant)
    dates = days_around(recorded_dates(fixture_store, chairs_only=False))
    assert first_difference(fixture_store, wrong, reference, dates) is not None


# -- the same rows from a real Oxigraph server ---------------------------------------------------
@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port, stopped after the module."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def test_same_rows_on_oxigraph_server(
    fixture_store: GraphStore, new: NamedQuery, oxigraph_url: str
) -> None:
    push(fixture_store, oxigraph_url + "/store")
    seen = 0
    for date in days_around(recorded_dates(fixture_store, chairs_only=False)):
        local = run(fixture_store, new, date)
        binding = new.bind({"date": date}, fixture_store.prefixes)
        remote = execute_remote(
            oxigraph_url + "/query", new.query, binding, prefixes=fixture_store.prefixes
        )
        assert remote.variables == local.variables, date
        assert [sort_key(r) for r in remote.rows] == [sort_key(r) for r in local.rows], date
        assert Counter(map(as_row, remote.rows)) == Counter(map(as_row, local.rows)), date
        seen += len(local.rows)
    assert seen > 100
