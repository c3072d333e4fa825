"""Generated text cannot drift: the command reference (docs/cli.md, the CLI's own help), the settings table
(docs/configuration.md, the Settings model) and the README's excerpt of the seeds' brief (a real run). The README
starts with the two newcomer commands, stays short, and every link of it, docs/ and CONTRIBUTING.md resolves.

Regenerate after changing an option or a setting:  python tests/test_readme.py --update
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CLI_PAGE = ROOT / "docs" / "cli.md"  # the generated command reference
SETTINGS_PAGE = ROOT / "docs" / "configuration.md"  # the generated settings table
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
    return "```markdown\n" + markdown[start : markdown.index("\n## Timeline", start)].strip() + "\n```"


def _section(text: str, start: str = START, end: str = END) -> str:
    match = re.search(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), text, flags=re.S)
    assert match, f"README lacks the {start} ... {end} markers"
    return match.group(1).strip()


def test_readme_command_reference_matches_cli_help():
    assert _section(CLI_PAGE.read_text(encoding="utf-8")) == generate_reference(), (
        "docs/cli.md command reference is stale; run: python tests/test_readme.py --update"
    )


def test_readme_settings_table_matches_the_settings_model():
    assert (
        _section(SETTINGS_PAGE.read_text(encoding="utf-8"), SETTINGS_START, SETTINGS_END) == generate_settings_table()
    ), "docs/configuration.md settings table is stale; run: python tests/test_readme.py --update"


def test_readme_shows_a_real_excerpt_of_the_seeds_brief():
    assert _section(README.read_text(encoding="utf-8"), EXCERPT_START, EXCERPT_END) == generate_seeds_excerpt(), (
        "README excerpt of `brief seeds/` is stale; run: python tests/test_readme.py --update"
    )


def test_every_command_is_in_the_cli_page():
    text = CLI_PAGE.read_text(encoding="utf-8")
    for args in _commands()[1:]:
        assert f"### `brief {' '.join(args)}`" in text


def test_readme_starts_with_the_two_newcomer_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert block[0].endswith("brief seeds/") and "pip install -e '.[dev]'" in block[0]
    assert block[1] == ".venv/bin/python -m pytest"
    assert block[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_says_what_brief_is_and_which_python_it_needs_before_any_command():
    text = README.read_text(encoding="utf-8")
    before = text[: text.index("```")]
    assert "turns news articles in any language into one English intelligence briefing" in before
    needed = re.search(r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert needed and f"Python {needed.group(1)} or newer" in before
    assert "pytest" not in before and " CI" not in before, "tests and CI come after what brief does"


def test_the_readme_is_short_and_its_links_resolve():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 220, "the README fits on a screen or three; move detail into docs/"
    for page in [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "CONTRIBUTING.md"]:
        for target in re.findall(r"\]\(((?!https?://|#|<)[^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"


def _update(path: Path, start: str, end: str, text: str) -> None:
    pattern = re.escape(start) + r".*?" + re.escape(end)
    path.write_text(
        re.sub(pattern, lambda _: f"{start}\n{text}\n{end}", path.read_text(encoding="utf-8"), flags=re.S),
        encoding="utf-8",
    )


if __name__ == "__main__" and "--update" in sys.argv:
    sys.path.insert(0, str(ROOT))
    _update(CLI_PAGE, START, END, generate_reference())
    _update(SETTINGS_PAGE, SETTINGS_START, SETTINGS_END, generate_settings_table())
    _update(README, EXCERPT_START, EXCERPT_END, generate_seeds_excerpt())
    print(
        "updated: docs/cli.md command reference, docs/configuration.md settings table, README excerpt of the seeds' brief"
    )
