"""`sgraph --help` and every `sgraph COMMAND --help` start without the heavy libraries.

Each help runs in a fresh interpreter (this test process has long imported everything), which
reports the modules it ended up with; none of HEAVY may be among them. The commands are read from
the click group, so a new command is covered without touching this file.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from sgraph.cli import cli

#: Libraries a help screen must not import (the commands import them when they run).
HEAVY = (
    "networkx",
    "numpy",
    "scipy",
    "rdflib",
    "pyshacl",
    "starlette",
    "uvicorn",
    "pyvis",
    "SPARQLWrapper",
    "rapidfuzz",
    "yaml",
    "httpx",
)

#: Run in a fresh interpreter: ``sgraph ARGS`` (or, with --import M, just ``import M``), then
#: print the exit code, the output and the sorted module names as one JSON object.
PROBE = """
import contextlib, importlib, io, json, sys
args = sys.argv[1:]
out = io.StringIO()
code = 0
if args[:1] == ["--import"]:
    importlib.import_module(args[1])
else:
    from sgraph.cli import main
    with contextlib.redirect_stdout(out):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
print(json.dumps({"exit": code, "output": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of ``group`` (and of its subgroups) as the words that name it."""
    paths: list[tuple[str, ...]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


HELP_LINES = [("--help",), *[(*path, "--help") for path in _command_paths(cli)]]


def _probe(*args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def _heavy(modules: object) -> list[str]:
    assert isinstance(modules, list)
    loaded = set(modules)
    return [name for name in HEAVY if name in loaded]


def test_every_command_is_probed() -> None:
    assert {"build", "validate", "query", "network", "export", "serve"} <= set(cli.commands)
    assert {(name, "--help") for name in cli.commands} <= set(HELP_LINES)


def test_probe_sees_heavy_imports() -> None:
    """The probe is not blind: importing the network analytics does load networkx and scipy."""
    result = _probe("--import", "sgraph.network.analytics")
    assert {"networkx", "scipy"} <= set(_heavy(result["modules"]))


@pytest.mark.parametrize("args", HELP_LINES, ids=" ".join)
def test_help_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    result = _probe(*args)
    assert result["exit"] == 0, result["output"]
    output = result["output"]
    assert isinstance(output, str) and "Usage: sgraph" in output
    assert _heavy(result["modules"]) == [], (
        f"`sgraph {' '.join(args)}` imported {_heavy(result['modules'])}"
    )
