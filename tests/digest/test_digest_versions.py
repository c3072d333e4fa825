"""A digest names its versions, and schemas/digest.schema.json's $id is the version digests carry
(issue 11, item 17)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models import SCHEMA_VERSION

from tests.conftest import FIXTURES, ROOT, SEEDS


def test_a_written_digest_carries_the_version_its_schema_names(tmp_path: Path):
    out = tmp_path / "digests"
    result = CliRunner().invoke(
        app, ["digest", str(SEEDS), "--date", "2025-10-10", "--out", str(out), "--replay", str(FIXTURES), "-q"]
    )
    assert result.exit_code == 0, result.output
    digest = json.loads((out / "2025-10-10.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "digest.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == f"brief/digest/{digest['meta']['digest_version']}"
    assert digest["meta"]["schema_version"] == SCHEMA_VERSION, (
        "the models a digest shares with briefings are versioned too"
    )
    jsonschema.validate(digest, schema)


def test_a_written_briefing_carries_the_version_its_schema_names(tmp_path: Path):
    result = CliRunner().invoke(
        app, [str(SEEDS), "--replay", str(FIXTURES), "--no-cache", "--json", str(tmp_path / "b.json"), "-q"]
    )
    assert result.exit_code == 0, result.output
    briefing = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "briefing.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == f"brief/briefing/{briefing['meta']['schema_version']}"
    jsonschema.validate(briefing, schema)
