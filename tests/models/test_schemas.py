"""Schemas for other tools: schemas/*.json are generated from the models and must not drift.

Regenerate after changing a model:  brief schemas export --out schemas/
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models.jsonschema import SCHEMA_MODELS, render_schemas, stale_schemas
from summarizer.models import (
    DIGEST_VERSION,
    SCHEMA_VERSION,
    ArticleBrief,
    Briefing,
    Event,
    ExecutiveSummary,
    Note,
    SummaryParagraph,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
SEEDS = ROOT / "seeds"


def _check(directory: Path):
    return CliRunner().invoke(app, ["schemas", "check", "--dir", str(directory)])


# --------------------------------------------------------------------------- drift


def test_the_committed_schemas_match_the_models():
    result = _check(SCHEMAS)
    assert result.exit_code == 0, (
        f"schemas/ drifted from the models; run: brief schemas export --out schemas\n{result.output}"
    )
    assert "schemas up to date" in result.stdout


def test_schemas_check_defaults_to_the_schemas_folder_of_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["schemas", "export"]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(f"{n}.schema.json" for n in SCHEMA_MODELS)
    assert CliRunner().invoke(app, ["schemas", "check"]).exit_code == 0


def test_export_writes_one_file_per_public_model(tmp_path: Path):
    result = CliRunner().invoke(app, ["schemas", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(result.stdout.split()) == sorted(str(tmp_path / f"{name}.schema.json") for name in SCHEMA_MODELS)
    for name, model in SCHEMA_MODELS.items():
        data = json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert data["$id"] == f"brief/{name}/{DIGEST_VERSION if name == 'digest' else SCHEMA_VERSION}"
        assert {k: v for k, v in data.items() if not k.startswith("$") or k == "$defs"} == model.model_json_schema()
    assert _check(tmp_path).exit_code == 0


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda p: p.write_text(
                p.read_text(encoding="utf-8").replace('"title": "Headline"', '"title": "Head"'), encoding="utf-8"
            ),
            id="edited",
        ),
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: p.write_text(p.read_text(encoding="utf-8") + " ", encoding="utf-8"), id="reformatted"),
    ],
)
def test_drift_is_detected_and_the_message_gives_the_regenerate_command(tmp_path: Path, damage):
    assert CliRunner().invoke(app, ["schemas", "export", "--out", str(tmp_path)]).exit_code == 0
    damage(tmp_path / "article_brief.schema.json")
    result = _check(tmp_path)
    assert result.exit_code == 1
    assert "article_brief.schema.json" in result.stderr
    assert f"brief schemas export --out {tmp_path}" in result.stderr
    assert stale_schemas(tmp_path) == ["article_brief.schema.json"]


def test_a_schema_file_no_model_generates_any_more_is_drift(tmp_path: Path):
    assert CliRunner().invoke(app, ["schemas", "export", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "old_model.schema.json").write_text("{}", encoding="utf-8")
    result = _check(tmp_path)
    assert result.exit_code == 1
    assert "old_model.schema.json" in result.stderr


def test_a_missing_folder_is_drift_not_a_crash(tmp_path: Path):
    result = _check(tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "brief schemas export --out" in result.stderr


def test_rendering_is_deterministic_across_processes(tmp_path: Path):
    """Another interpreter, with another hash seed (set and dict ordering), writes byte-identical files.

    (Within one process pydantic caches each model's schema, so comparing two renders there proves nothing.)
    """
    import os
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from summarizer.models.jsonschema import write_schemas; write_schemas(Path(sys.argv[1]))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=ROOT, timeout=120)
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == render_schemas()


# --------------------------------------------------------------------------- output validates


def test_the_briefing_json_validates_against_the_exported_schema(tmp_path: Path):
    jsonschema = pytest.importorskip("jsonschema")
    CliRunner().invoke(app, ["schemas", "export", "--out", str(tmp_path / "schemas")])
    out = tmp_path / "briefing.json"
    result = CliRunner().invoke(app, [str(SEEDS), "-q", "-o", str(tmp_path / "b.md"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((tmp_path / "schemas" / "briefing.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    # and other tools can load it back with the models
    briefing = Briefing.model_validate(data)
    assert briefing.meta.schema_version == SCHEMA_VERSION
    assert len(briefing.sources) == 5


def test_the_schema_rejects_a_briefing_with_an_unknown_field(tmp_path: Path):
    jsonschema = pytest.importorskip("jsonschema")
    out = tmp_path / "briefing.json"
    assert CliRunner().invoke(app, [str(SEEDS), "-q", "-o", str(tmp_path / "b.md"), "--json", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["sources"][0]["secret_field"] = 1
    schema = json.loads(render_schemas()["briefing.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# --------------------------------------------------------------------------- the response models' own rules


@pytest.mark.parametrize(
    ("date", "read", "precision"),
    [
        ("2025-10-09", "2025-10-09", "day"),
        ("2025-10", "2025-10", "month"),
        ("2025", "2025", "year"),
        (None, None, "unknown"),
        (" 2025-10 ", "2025-10", "month"),
        ("2025-10-9", "2025-10-09", "day"),  # one right reading
        ("2025/10/09", "2025-10-09", "day"),
        ("2025-10-17T14:30:00Z", "2025-10-17", "day"),  # an ISO datetime is its date
        ("unknown", None, "unknown"),
        ("N/A", None, "unknown"),
        ("", None, "unknown"),
    ],
)
def test_an_events_precision_is_derived_from_its_dates_shape_never_asked(date, read, precision):
    data = {"date": date, "description": "d", "actors": [], "evidence": "a quote long enough"}
    event = Event.model_validate(data)
    assert (event.date, event.precision) == (read, precision)
    assert "precision" not in Event.model_json_schema()["properties"]
    assert Event.model_validate({**data, "precision": "year"}).precision == precision, (
        "a precision the model still sends is ignored"
    )


@pytest.mark.parametrize("date", ["2025-02-30", "2025-13", "09.10.2025", "October 2025"])
def test_an_event_date_with_no_clear_reading_fails_the_event_alone(date):
    with pytest.raises(ValidationError, match="is not a real YYYY-MM-DD, YYYY-MM or YYYY date"):
        Event.model_validate({"date": date, "description": "d", "actors": [], "evidence": "a quote long enough"})
    brief = ArticleBrief.model_validate(
        {
            "source_language": "en",
            "headline": "h",
            "summary": "s",
            "actors": [],
            "events": [{"date": date, "description": "d", "actors": [], "evidence": "a quote long enough"}],
        }
    )
    assert brief.events[0].date is None, "inside an answer the event is kept, undated, with a note"
    assert brief.repairs.fixed == [f"event 1 (d): date {date!r} not understood, shown undated"]


def test_summary_citations_must_exist_and_are_deduplicated():
    ok = SummaryParagraph.model_validate({"text": "t", "sources": [3, 1, 3]}, context={"valid_sources": [1, 2, 3]})
    assert ok.sources == [1, 3]
    with pytest.raises(ValidationError, match=r"sources \[7\] do not exist; cite only numbers from \[1, 2, 3\]"):
        SummaryParagraph.model_validate({"text": "t", "sources": [1, 7]}, context={"valid_sources": [1, 2, 3]})
    with pytest.raises(ValidationError):
        SummaryParagraph.model_validate({"text": "t", "sources": []})
    with pytest.raises(ValidationError):
        ExecutiveSummary.model_validate({"paragraphs": []})


def test_a_holder_missing_from_actors_is_matched_to_the_listed_actor_or_added():
    data = {
        "source_language": "ru",
        "headline": "h",
        "summary": "s",
        "actors": [
            {"name": "Maria Lindqvist", "name_in_source": "Линдквист", "kind": "person", "role": "finance minister"}
        ],
        "stances": [
            {
                "holder": "Lindqvist",
                "target": "budget",
                "position": "supportive",
                "gist": "g",
                "evidence": "бюджет будет принят в срок",
            }
        ],
        "events": [
            {
                "date": None,
                "description": "d",
                "actors": ["maria lindqvist", "Harbour Authority"],
                "evidence": "бюджет будет принят в срок",
            }
        ],
    }
    brief = ArticleBrief.model_validate(data)
    assert brief.stances[0].holder == "Maria Lindqvist", "a surname stands for the one listed person"
    assert brief.events[0].actors == ["Maria Lindqvist", "Harbour Authority"]
    assert [a.name for a in brief.actors] == ["Maria Lindqvist", "Harbour Authority"], (
        "an unknown name is added as an actor"
    )
    assert brief.repairs.fixed == ["event 1 (d): 'Harbour Authority' was not in the actor list; added as an actor"]


def test_response_models_ignore_unknown_keys_but_output_models_forbid_them():
    assert SummaryParagraph.model_validate({"text": "t", "sources": [1], "confidence": 0.9}).sources == [1]
    assert SummaryParagraph.model_json_schema()["additionalProperties"] is False, (
        "the schema still asks for no extra keys"
    )
    with pytest.raises(ValidationError, match="extra"):
        Note.model_validate({"kind": "info", "message": "m", "unexpected": 1})


def test_an_actor_added_for_an_unlisted_name_never_pushes_the_answer_over_its_cap():
    actors = [{"name": f"Person Number{i}", "name_in_source": "x", "kind": "person", "role": "r"} for i in range(12)]
    stance = {
        "holder": "Unlisted Speaker",
        "target": "t",
        "position": "neutral",
        "gist": "g",
        "evidence": "a quote long enough",
    }
    brief = ArticleBrief.model_validate(
        {"source_language": "en", "headline": "h", "summary": "s", "actors": actors, "stances": [stance]}
    )
    names = [a.name for a in brief.actors]
    assert len(names) == 12 and names[-1] == "Unlisted Speaker" and "Person Number11" not in names, (
        "an unreferenced actor makes room"
    )
