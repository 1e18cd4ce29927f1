"""``sgraph add``: add publications from a reference list or records, reconciled with the graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sgraph.cli.options import data_option, make_settings, progress, text_or_json_option
from sgraph.errors import ValidationError


@click.command("add")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--dry-run", is_flag=True, help="Reconcile and show what would be written; write nothing."
)
@text_or_json_option("with the Turtle a dry run would write")
@data_option
def add_command(file: Path, dry_run: bool, fmt: str, data_dir: Path | None) -> None:
    """Add publications from FILE, reusing the graph's IRIs for everything it knows.

    FILE is a reference list in the citation style of the seed document, one a line:

    \b
      Author (Year) Title (PDF). Place: Publisher.
      Dickens, J. et al (2021) Annual review of LCSPRs and rapid reviews (PDF). London: Department for Education.

    (a line '# source: URL' names the page the references below it come from), or a YAML or
    CSV file of records with the fields title, date, type, creators, publisher, url,
    responds_to, commissioned_by, addressed_to, about, source, alt_labels, comment.

    Each publication, person and organisation is matched against the graph (exact label,
    alternative label, acronym, surname and initials, fuzzy title >= 90). Matched items reuse
    their IRIs; new ones get IRIs in the project's scheme; ambiguous or unreadable items are
    reported with their line and nothing is written (exit 2). The new statements are
    validated with SHACL together with the existing graph (exit 1 on violations) and written
    into the data folder, all files or none. Adding the same file twice adds nothing.

    \b
    Example:
      sgraph add refs.txt --dry-run
      sgraph add refs.txt --dry-run --format json
      sgraph add records.yaml --data data/triples
    """
    from sgraph.curate.add import apply, plan

    settings = make_settings(data_dir, None)
    progress(f"Data: {settings.describe_data()}")
    result = plan(file, settings)
    if dry_run or result.problems:
        _emit(result.to_json() if fmt == "json" else result.to_text(turtle=True))
        if result.problems:
            raise result.problem_error()
        return
    if result.files:
        progress(f"Validating {len(result.new_entities)} new entities with the existing graph ...")
    try:
        written = apply(result, settings)
    except ValidationError as exc:
        new = {e.iri for e in result.new_entities}
        for v in exc.report.warnings:  # the violations are printed with the error
            if v.focus in new:
                click.echo(v.describe(), err=True)
        raise
    if fmt == "json":
        body = json.loads(result.to_json())
        body["written"] = [str(p) for p in written]
        _emit(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    _emit(result.to_text(turtle=False))
    if written:
        click.echo("Wrote " + ", ".join(str(p) for p in written))
    else:
        click.echo("Nothing new to add: every item is already in the graph.")


def _emit(text: str) -> None:
    click.echo(text, nl=False)


def register(group: click.Group) -> None:
    group.add_command(add_command)
