"""`brief schemas export|check`: JSON Schema of the models for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import EXIT_USAGE, app, err, say

schemas_app = typer.Typer(help="JSON Schema of brief's models, for other tools.", no_args_is_help=True)
app.add_typer(schemas_app, name="schemas")


@schemas_app.command("export")
def schemas_export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the *.schema.json files into.")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every public model (generated from the pydantic classes)."""
    from ..models.jsonschema import write_schemas

    for path in write_schemas(out):
        say(str(path))  # `| head` must not stop the export


@schemas_app.command("check")
def schemas_check(
    directory: Annotated[Path, typer.Option("--dir", help="Folder holding the exported schemas.")] = Path("schemas"),
) -> None:
    """Exit 1 if the exported schemas differ from the models (run `brief schemas export`)."""
    from ..models.jsonschema import stale_schemas

    stale = stale_schemas(directory)
    if stale:
        err(
            f"Stale schemas in {directory}: {', '.join(stale)}. Regenerate them with: brief schemas export --out {directory}"
        )
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"{directory}: schemas up to date.")
