"""The README's command reference is generated from the CLI's own help, so it cannot drift.

Regenerate after changing an option:  python tests/test_readme.py --update
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


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


def _section(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, flags=re.S)
    assert match, "README lacks the cli-reference markers"
    return match.group(1).strip()


def test_readme_command_reference_matches_cli_help():
    assert _section(README.read_text(encoding="utf-8")) == generate_reference(), (
        "README command reference is stale; run: python tests/test_readme.py --update"
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
    README.write_text(new, encoding="utf-8")
    print("README command reference updated")
