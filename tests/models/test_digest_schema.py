"""A digest's JSON validates against the exported schemas/digest.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_digest_json_validates_against_the_exported_schema(tmp_path: Path):
    out = tmp_path / "digests"
    result = CliRunner().invoke(
        app, ["digest", str(ROOT / "seeds"), "--date", "2025-09-03", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "2025-09-03.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "digest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["meta"]["date"] == "2025-09-03"
    assert [s["file"] for s in data["sources"]] == ["001_dbcce7b43ab26e22.txt", "002_1c8b09136a5d4e87.txt"]


def test_exported_schemas_include_the_digest_and_the_cross_source_analysis():
    names = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert {
        "digest.schema.json",
        "cross_source_analysis.schema.json",
        "briefing.schema.json",
        "article_brief.schema.json",
    } <= names
