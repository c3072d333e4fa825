"""The built wheel carries everything `brief` needs at run time: prompts, recordings, schemas.

prompts/, fixtures/ and schemas/ sit at the top of the checkout and are mapped into the wheel as
summarizer/prompts, summarizer/fixtures and summarizer/schemas (pyproject.toml, force-include).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _build(out: Path) -> subprocess.CompletedProcess:
    """`pip wheel` offline, with the build backend installed here (never fetched from an index)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "-q",
        "-w",
        str(out),
        str(ROOT),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip(
            "the build backend hatchling is not installed here (pip install hatchling); the wheel is built offline"
        )
    out = tmp_path_factory.mktemp("wheel")
    result = _build(out)
    assert result.returncode == 0, f"the wheel does not build:\n{result.stderr.strip()[-2000:]}"
    (path,) = out.glob("brief-*.whl")
    return path


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_the_wheel_holds_the_prompt_templates(names: set[str]):
    for template in sorted(p.name for p in (ROOT / "prompts").glob("*.md")):
        assert f"summarizer/prompts/{template}" in names
    assert {"summarizer/prompts/brief.system.md", "summarizer/prompts/brief.user.md"} <= names


def test_the_wheel_holds_every_recording(names: set[str]):
    recordings = sorted(p.name for p in (ROOT / "fixtures").glob("*.json"))
    assert len(recordings) >= 6
    for name in recordings:
        assert f"summarizer/fixtures/{name}" in names


def test_the_wheel_holds_the_exported_schemas(names: set[str]):
    schemas = sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json"))
    assert "briefing.schema.json" in schemas
    for name in schemas:
        assert f"summarizer/schemas/{name}" in names


def test_the_wheel_holds_the_html_templates(names: set[str]):
    templates = sorted(p.name for p in (ROOT / "summarizer" / "render" / "templates").iterdir())
    assert {"base.html", "macros.html", "briefing.html", "digest.html", "index.html", "brief.css", "brief.js"} <= set(
        templates
    )
    for name in templates:
        assert f"summarizer/render/templates/{name}" in names


def test_the_wheel_declares_the_brief_command(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        entry_points = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "brief = summarizer.cli:main" in zf.read(entry_points).decode()


def test_the_wheel_runs_the_seeds_from_its_own_prompts_and_recordings(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import summarizer.llm.prompts as p, summarizer.config.settings as c\n"
        "assert p.prompts_dir() == __import__('pathlib').Path(sys.argv[1]) / 'summarizer' / 'prompts', p.prompts_dir()\n"
        "assert c.bundled_fixtures_dir() == __import__('pathlib').Path(sys.argv[1]) / 'summarizer' / 'fixtures'\n"
        "from summarizer.cli import app\n"
        "app([sys.argv[2], '--html', 'page.html'], prog_name='brief')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env["BRIEF_CACHE_DIR"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), str(ROOT / "seeds")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Briefing: 5 sources, 2025-09-03 to 2025-12-22")
    assert f"using the recorded responses in {site / 'summarizer' / 'fixtures'}" in result.stderr
    assert 'data-q="q' in (tmp_path / "page.html").read_text(encoding="utf-8"), (
        "the installed templates render the page"
    )
