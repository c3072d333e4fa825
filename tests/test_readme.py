"""The README's command reference (the CLI's own help), settings table (the Settings model) and excerpt of the seeds' brief (a real run) are generated, so they cannot drift.

Regenerate after changing an option or a setting:  python tests/test_readme.py --update
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"
SETTINGS_START, SETTINGS_END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"
EXCERPT_START, EXCERPT_END = "<!-- seeds-brief:start -->", "<!-- seeds-brief:end -->"


def _commands() -> list[list[str]]:
    from summarizer.cli import app
    from typer.main import get_command

    group = get_command(app)
    found = [[]]

    def walk(cmd, prefix):
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            found.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(group, [])
    return found


def generate_reference() -> str:
    from summarizer.cli import app

    runner = CliRunner()
    blocks = []
    for args in _commands():
        result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "100", "TERM": "dumb"}, prog_name="brief")
        assert result.exit_code == 0, result.output
        blocks.append(f"### `{' '.join(['brief', *args])}`\n\n```text\n{result.output.rstrip()}\n```")
    return "\n\n".join(blocks)


def generate_settings_table() -> str:
    """One row per user setting of config/model.py: its brief.toml key, flag, env var, default and description."""
    from summarizer.config.model import Settings, default_label, knobs

    rows = ["| setting (`brief.toml` key) | flag | env var | default | what it sets |", "|---|---|---|---|---|"]
    for name, knob in knobs().items():
        info = Settings.model_fields[name]
        key = f"`{name}`" if knob.file else f"`{name}` (flag only, never in the file)"
        flag = ", ".join(f"`{f}`" for f in (knob.short, knob.flag) if f)
        default = default_label(name) or ("" if info.annotation is bool else "none")
        cells = [key, flag, f"`{knob.env}`" if knob.env else "", default, info.description or ""]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def generate_seeds_excerpt() -> str:
    """The default briefing of seeds/ (offline, on the recordings) from its front page to its timeline, as `brief seeds/` prints it."""
    from summarizer.config.settings import resolve_settings
    from summarizer.pipeline import build_briefing
    from summarizer.render.markdown import render_markdown

    settings = resolve_settings({"replay_dir": str(ROOT / "fixtures"), "use_cache": False}, env={})
    markdown = render_markdown(build_briefing([ROOT / "seeds"], settings).briefing)
    start = markdown.index("**Front page")
    return "```markdown\n" + markdown[start:markdown.index("\n## Timeline", start)].strip() + "\n```"


def _section(text: str, start: str = START, end: str = END) -> str:
    match = re.search(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), text, flags=re.S)
    assert match, f"README lacks the {start} ... {end} markers"
    return match.group(1).strip()


def test_readme_command_reference_matches_cli_help():
    assert _section(README.read_text(encoding="utf-8")) == generate_reference(), (
        "README command reference is stale; run: python tests/test_readme.py --update"
    )


def test_readme_settings_table_matches_the_settings_model():
    assert _section(README.read_text(encoding="utf-8"), SETTINGS_START, SETTINGS_END) == generate_settings_table(), (
        "README settings table is stale; run: python tests/test_readme.py --update"
    )


def test_readme_shows_a_real_excerpt_of_the_seeds_brief():
    assert _section(README.read_text(encoding="utf-8"), EXCERPT_START, EXCERPT_END) == generate_seeds_excerpt(), (
        "README excerpt of `brief seeds/` is stale; run: python tests/test_readme.py --update"
    )


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for args in _commands()[1:]:
        assert f"### `brief {' '.join(args)}`" in text


def test_readme_starts_with_the_two_newcomer_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert block[0].endswith("brief seeds/") and "pip install -e '.[dev]'" in block[0]
    assert block[1] == ".venv/bin/python -m pytest"
    assert block[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


if __name__ == "__main__" and "--update" in sys.argv:
    sys.path.insert(0, str(ROOT))
    text = README.read_text(encoding="utf-8")
    pattern = re.escape(START) + r".*?" + re.escape(END)
    new = re.sub(pattern, lambda _: f"{START}\n{generate_reference()}\n{END}", text, flags=re.S)
    pattern = re.escape(SETTINGS_START) + r".*?" + re.escape(SETTINGS_END)
    new = re.sub(pattern, lambda _: f"{SETTINGS_START}\n{generate_settings_table()}\n{SETTINGS_END}", new, flags=re.S)
    pattern = re.escape(EXCERPT_START) + r".*?" + re.escape(EXCERPT_END)
    new = re.sub(pattern, lambda _: f"{EXCERPT_START}\n{generate_seeds_excerpt()}\n{EXCERPT_END}", new, flags=re.S)
    README.write_text(new, encoding="utf-8")
    print("README command reference and settings table updated")
