"""Curation input that cannot be published (issue 17, finding 11).

Each case worked its way through before: a NUL in a reference passed `add` and `validate` and
then broke `sgraph build` with a traceback (XML 1.0 cannot hold it); a `# source:` that is no
IRI gave a traceback; a raw U+2028, NEL or form feed in a valid data file made every later
`add` into that file fail. Now the input is refused with its line and nothing is written, and
any legal Turtle can still be added to.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.config import Settings

SOURCE = "# source: https://example.org/hardening/list\n"
GOOD = "Ashworth-Quill, T. (2020) A study of careful input in reference lists (PDF). London: Quill Press.\n"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "triples"
    shutil.copytree(Settings().data_dir, target)
    return target


def add(refs: Path, data: Path, *extra: str) -> object:
    return CliRunner().invoke(cli, ["add", str(refs), "--data", str(data), *extra])


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (SOURCE + GOOD.replace("careful", "care\x00ful"), 2, "U+0000 (NUL)"),
        (SOURCE + GOOD.replace("careful", "care\x07ful"), 2, "U+0007"),
        (SOURCE + GOOD.replace("careful", "care\x85ful"), 2, "U+0085 (NEL)"),
        (SOURCE + GOOD.replace("careful", "care\u2028ful"), 2, "U+2028"),
        (SOURCE + GOOD.replace("careful", "care\x0cful"), 2, "U+000C (form feed)"),
        ('# source: http://x/"><script>alert(1)</script>\n' + GOOD, 1, "not a valid IRI"),
        ("# source: javascript:alert(1)\n" + GOOD, 1, "not an http(s) address"),
    ],
    ids=["nul", "bell", "nel", "u2028", "form-feed", "script-source", "javascript-source"],
)
def test_a_reference_that_cannot_be_published_is_refused_with_its_line(
    tmp_path: Path, data: Path, text: str, line: int, expected: str
) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text(text, encoding="utf-8")
    before = digest(data)
    for extra in ((), ("--dry-run",)):
        run = add(refs, data, *extra)
        assert run.exit_code == 2, run.output  # type: ignore[attr-defined]
        err = run.stderr  # type: ignore[attr-defined]
        assert f"{refs}:{line}: error:" in err and expected in err, err
        assert "Traceback" not in err and "\x00" not in err
    assert digest(data) == before


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("- title: A title with a \x00 in it\n  date: 2020\n", "U+0000"),
        ("- title: Ok title of the record\n  url: javascript:alert('url')\n", "not an http(s)"),
        ("- title: Ok title of the record\n  url: data:text/html,x\n", "not an http(s)"),
        ('- title: Ok title of the record\n  url: "https://x.org/a b"\n', "not a valid IRI"),
        ('- title: Ok title\n  creators: ["Smith, J.", "Jones\\u0000, K."]\n', "U+0000"),
    ],
    ids=["nul-title", "javascript-url", "data-url", "space-in-url", "nul-creator"],
)
def test_a_record_that_cannot_be_published_is_refused_with_its_line(
    tmp_path: Path, data: Path, record: str, expected: str
) -> None:
    refs = tmp_path / "records.yaml"
    refs.write_text(record, encoding="utf-8")
    before = digest(data)
    run = add(refs, data)
    err = run.stderr  # type: ignore[attr-defined]
    assert run.exit_code == 2, run.output  # type: ignore[attr-defined]
    assert expected in err and ("records.yaml:1:" in err or "records.yaml:" in err), err
    assert "Traceback" not in err
    assert digest(data) == before


def test_validate_and_build_refuse_a_nul_in_a_data_file_with_its_line(
    tmp_path: Path, data: Path
) -> None:
    people = data / "people.ttl"
    people.write_text(
        people.read_text(encoding="utf-8")
        + "\n<https://w3id.org/sgraph/id/person/nul-person> a <https://w3id.org/sgraph/ontology#Person> ;\n"
        '    <http://xmlns.com/foaf/0.1/name> "Nul\\u0000Person" .\n',
        encoding="utf-8",
    )
    last = len(people.read_text(encoding="utf-8").splitlines())
    for command in (
        ["validate", "--data", str(data)],
        ["build", "--data", str(data), "--out", str(tmp_path / "dist")],
    ):
        run = CliRunner().invoke(cli, command)
        err = run.stderr
        assert run.exit_code == 2, (command, run.output)
        # the line of the statement (its subject) or of the literal
        assert f"people.ttl:{last - 1}:" in err or f"people.ttl:{last}:" in err, err
        assert "U+0000 (NUL)" in err
        assert "Traceback" not in err
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("char", ["\u2028", "\x85", "\u2029", "\t"])
def test_a_file_with_any_legal_turtle_can_still_be_added_to(
    tmp_path: Path, data: Path, char: str
) -> None:
    """Raw separators inside a literal are legal Turtle (a data file may hold them, even if
    `add` never writes them); the next `add` into that file must keep them and succeed."""
    pubs = data / "publications.ttl"
    text = pubs.read_text(encoding="utf-8")
    marker = '"@en'
    first = text.index("dcterms:title ") + len("dcterms:title ")
    end = text.index(marker, first)
    changed = text[: end - 1] + char + text[end - 1 :]
    pubs.write_text(changed, encoding="utf-8")
    old_triples = set(ox.parse(path=str(pubs), format=ox.RdfFormat.TURTLE))
    refs = tmp_path / "refs.txt"
    refs.write_text(SOURCE + GOOD, encoding="utf-8")
    run = add(refs, data)
    assert run.exit_code == 0, run.output  # type: ignore[attr-defined]
    new_text = pubs.read_text(encoding="utf-8")
    assert char in new_text and "careful input in reference lists" in new_text
    new_triples = set(ox.parse(path=str(pubs), format=ox.RdfFormat.TURTLE))
    assert old_triples < new_triples


def test_a_data_file_that_cannot_be_published_is_named_with_its_line(
    tmp_path: Path, data: Path
) -> None:
    """A raw form feed is legal Turtle but no XML can hold it, so the build would fail: `add`
    says so (file and line) instead of failing for a reason the curator cannot see."""
    pubs = data / "publications.ttl"
    text = pubs.read_text(encoding="utf-8")
    end = text.index('"@en', text.index("dcterms:title "))
    pubs.write_text(text[:end] + "\x0c" + text[end:], encoding="utf-8")
    refs = tmp_path / "refs.txt"
    refs.write_text(SOURCE + GOOD, encoding="utf-8")
    run = add(refs, data)
    err = run.stderr  # type: ignore[attr-defined]
    assert run.exit_code == 2 and "publications.ttl:" in err and "U+000C (form feed)" in err
