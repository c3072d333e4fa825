"""Export the models' JSON Schema to `schemas/` for other tools; detect drift."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..util.files import write_atomic
from .article import Article
from .base import SCHEMA_VERSION
from .brief import ArticleBrief
from .briefing import Briefing
from .digest import DIGEST_VERSION, Digest
from .comparison import CrossSourceAnalysis
from .responses import ExecutiveSummary

__all__ = ["SCHEMA_MODELS", "schema_id", "render_schemas", "write_schemas", "stale_schemas"]

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "article_brief": ArticleBrief,
    "executive_summary": ExecutiveSummary,
    "cross_source_analysis": CrossSourceAnalysis,
    "briefing": Briefing,
    "digest": Digest,
}


# A model with its own format version; the others follow SCHEMA_VERSION.
_OWN_VERSION = {"digest": DIGEST_VERSION}


def schema_id(name: str) -> str:
    """The `$id` of schema `name`: `brief/<name>/<the version its documents carry>`."""
    return f"brief/{name}/{_OWN_VERSION.get(name, SCHEMA_VERSION)}"


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of each exported schema, generated from the pydantic models."""
    out = {}
    for name, model in SCHEMA_MODELS.items():
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": schema_id(name),
            **model.model_json_schema(),
        }
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file into `directory`."""
    Path(directory).mkdir(parents=True, exist_ok=True)  # the export's own folder
    return [write_atomic(Path(directory) / name, text) for name, text in render_schemas().items()]


def stale_schemas(directory: Path) -> list[str]:
    """Names of schema files in `directory` that are missing, differ from the models, or no model generates."""
    stale = []
    expected = render_schemas()
    for name, text in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    if directory.is_dir():
        stale += sorted(p.name for p in directory.glob("*.schema.json") if p.name not in expected)
    return stale
