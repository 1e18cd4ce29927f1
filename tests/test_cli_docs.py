"""Every command is documented: --help with an example, and a mention in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.errors import InputError, SgraphError, ValidationError

COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"build", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"sgraph {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str, project_root: Path) -> None:
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"sgraph {re.escape(name)}\b", readme), f"`sgraph {name}` is not in README.md"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented(name: str) -> None:
    command = cli.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"sgraph {name} {param.opts[0]} has no help text"


def test_exit_codes_follow_the_error_hierarchy() -> None:
    assert InputError("x").exit_code == 2
    assert SgraphError("x").exit_code == 2
    assert ValidationError.exit_code == 1


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["build", "--no-such-option"])
    assert result.exit_code == 2
