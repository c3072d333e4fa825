"""The Python API: `from summarizer import ...`, its README example, and versioned schemas."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import summarizer
from summarizer.models.jsonschema import render_schemas
from tests.conftest import ROOT, SEED_FILES

EXAMPLE = ROOT / "examples" / "api_example.py"
PROMISED = [  # the names the README documents
    "summarize_articles",
    "merge_briefs",
    "build_briefing",
    "load_articles",
    "Briefing",
    "ArticleBrief",
    "Article",
    "Settings",
    "resolve_settings",
    "render_markdown",
    "render_json",
    "render_html",
    "BriefError",
    "ConfigError",
    "LLMError",
    "SCHEMA_VERSION",
]


def _python(code: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        **kwargs,
    )


def test_public_names_are_exported_explicitly():
    assert set(PROMISED) <= set(summarizer.__all__)
    assert len(summarizer.__all__) == len(set(summarizer.__all__))
    for name in summarizer.__all__:
        assert getattr(summarizer, name) is not None, name
    from summarizer.stages.merge import merge_briefs
    from summarizer.models import Briefing
    from summarizer.stages.summarize import summarize_articles

    assert (summarizer.summarize_articles, summarizer.merge_briefs, summarizer.Briefing) == (
        summarize_articles,
        merge_briefs,
        Briefing,
    )


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'summarise_articles'"):
        summarizer.summarise_articles  # noqa: B018


def test_importing_the_api_does_not_import_the_llm_stack_or_the_cli():
    code = (
        "import sys\n"
        "import summarizer\n"
        "print(sorted(m for m in sys.modules if m.startswith('summarizer.')))\n"
        "from summarizer import summarize_articles, merge_briefs, build_briefing, Briefing, Settings, check_endpoint\n"
        "print(sorted(m for m in ('openai', 'instructor', 'tenacity', 'typer', 'summarizer.cli') if m in sys.modules))\n"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    # `import summarizer` loads nothing of brief but the helper that loads its names on first use
    assert result.stdout.splitlines() == ["['summarizer.util', 'summarizer.util.lazy']", "[]"]


def test_the_example_runs_offline_and_prints_the_briefs_and_the_timeline():
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # one line per seed with its headline (not an error), in input order
    heads = [line for line in lines if " -> " in line]
    assert [h.split(" -> ")[0] for h in heads] == SEED_FILES
    assert "Aliyev" in heads[0]
    # then the merged timeline, exactly as the library builds it
    from summarizer import Settings, build_briefing, bundled_fixtures_dir

    briefing = build_briefing([ROOT / "seeds"], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    start = lines.index(f"Timeline (schema {summarizer.SCHEMA_VERSION}):")
    expected = [f"  {e.date or 'undated'}  {e.description}  {e.sources}" for e in briefing.timeline]
    assert lines[start + 1 :] == expected
    assert len(expected) >= 10 and any(len(e.sources) >= 3 for e in briefing.timeline)


def test_the_api_page_contains_the_example_verbatim():
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    code = EXAMPLE.read_text(encoding="utf-8").strip()
    assert f"```python\n{code}\n```" in page, "paste examples/api_example.py into docs/api.md as a ```python block"


# --------------------------------------------------------------------------- schema versions


def test_schema_version_is_major_dot_minor():
    assert re.fullmatch(r"\d+\.\d+", summarizer.SCHEMA_VERSION)


@pytest.mark.parametrize("name", sorted(render_schemas()))
def test_exported_schemas_carry_the_version(name):
    # what `brief schemas export` writes; tests of `brief schemas check` keep schemas/ equal to it
    exported = json.loads(render_schemas()[name])
    model = name.removesuffix(".schema.json")
    version = (
        summarizer.models.DIGEST_VERSION if model == "digest" else summarizer.SCHEMA_VERSION
    )  # a digest has its own format version
    assert exported["$id"] == f"brief/{model}/{version}"


def test_briefing_json_carries_the_schema_version():
    schema = json.loads(render_schemas()["briefing.schema.json"])
    assert schema["$defs"]["BriefingMeta"]["properties"]["schema_version"]["default"] == summarizer.SCHEMA_VERSION
    from summarizer import Settings, build_briefing, bundled_fixtures_dir, render_json

    run = build_briefing([ROOT / "seeds" / SEED_FILES[0]], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    assert json.loads(render_json(run.briefing))["meta"]["schema_version"] == summarizer.SCHEMA_VERSION
