"""One failed article never sinks the run; exit codes say what happened.

Exit codes: 0 every article is in the briefing; 1 usage or configuration error (nothing
written); 2 the briefing was written, but some files were rejected or failed (or the executive
summary failed); the "Not included" section names each one and why.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.render.markdown import render_markdown
from summarizer.models import Briefing, BriefingMeta, Note, Source
from tests.conftest import SEED_FILES, SEEDS
from tests.fake_openai import FakeOpenAI
from tests.llm.test_faults import cli_args


def _not_included(markdown: str) -> list[str]:
    if "## Not included" not in markdown:
        return []
    section = markdown.split("## Not included", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        ([str(SEEDS)], 0, "5 of 5 articles briefed;"),
        (
            [str(SEEDS), "--mode", "xml"],
            1,
            "Error: mode must be one of: tools, json, md_json, json_schema, json_object_schema, got 'xml' (from flag); fix --mode",
        ),
        (["no/such/folder"], 1, "Error: no/such/folder: no such file or folder; check the path"),
        (
            [str(SEEDS), "--max-article-chars", "10"],
            1,
            "Error: max_article_chars must be at least 1000, got 10 (from flag); fix --max-article-chars",
        ),
        ([str(SEEDS), "{empty}"], 2, "5 of 6 articles briefed; 1 rejected;"),
    ],
)
def test_exit_codes(tmp_path, args, code, stderr):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, [a.replace("{empty}", str(empty)) for a in args])
    assert result.exit_code == code, result.output
    assert stderr in result.stderr
    if code == 1:
        assert result.stdout == "", "a usage or config error writes no briefing"
    else:
        assert result.stdout.startswith("# Briefing: 5 sources")


def test_a_failed_and_a_rejected_file_leave_a_briefing_of_the_others(fake_openai, tmp_path, seeds_copy):
    (seeds_copy / "zz_header_only.txt").write_text(" date 2025-10-10\n", encoding="utf-8")
    fake_openai.script("500", "500", "500")  # with one request in flight, the first article gets all three
    out, js = tmp_path / "briefing.md", tmp_path / "briefing.json"
    args = [str(seeds_copy), "-o", str(out), "--json", str(js), *cli_args(fake_openai, tmp_path)]
    result = CliRunner().invoke(app, [*args[:-2], "-c", "1"])
    assert result.exit_code == 2, result.output
    assert "4 of 6 articles briefed; 1 failed; 1 rejected;" in result.stderr
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Briefing: 4 sources")
    lines = _not_included(markdown)
    assert len(lines) == 2
    assert (
        lines[0]
        == "- `zz_header_only.txt` rejected: header only: no article text after the date; add the text or remove the file"
    )
    assert lines[1].startswith(
        f"- `{SEED_FILES[0]}` failed: HTTP 500: The server had an error after 3 request(s) to `http://127.0.0.1:"
    )
    briefing = Briefing.model_validate_json(js.read_text(encoding="utf-8"))
    assert [s.file for s in briefing.sources] != [] and SEED_FILES[0] not in {s.file for s in briefing.sources}
    assert {(n.kind, n.file) for n in briefing.notes if n.kind in ("failed", "rejected")} == {
        ("failed", SEED_FILES[0]),
        ("rejected", "zz_header_only.txt"),
    }


class _SummaryDown(FakeOpenAI):
    """Answers every brief, fails every executive-summary request."""

    def _respond(self, handler, body, fault):  # type: ignore[no-untyped-def]
        if handler.headers.get("X-Brief-Key", "").startswith("summary/"):
            fault = "503"
        super()._respond(handler, body, fault)


def test_a_failed_executive_summary_is_a_partial_run(tmp_path, seeds_copy):
    with _SummaryDown() as server:
        result = CliRunner().invoke(app, [str(seeds_copy), *cli_args(server, tmp_path)])
    assert result.exit_code == 2, result.output
    assert "*No executive summary (see Notes).*" in result.stdout
    [line] = _not_included(result.stdout)
    assert line.startswith(
        "- failed: executive summary not written: HTTP 503: The server had an error after 3 request(s)"
    )


def test_the_not_included_section_is_absent_when_everything_made_it():
    meta = BriefingMeta(
        generated_at="now",
        model="m",
        mode="tools",
        endpoint="e",
        prompt_hashes={},
        schema_hash="s",
        articles=0,
        briefs=0,
        items_verified=0,
        items_unverified=0,
    )
    clean = Briefing(meta=meta, sources=[], summary=[], timeline=[], actors=[], stances=[], notes=[])
    assert "## Not included" not in render_markdown(clean, detail="full")
    assert "*No articles.*" in render_markdown(clean, detail="full")
    partial = clean.model_copy(update={"notes": [Note(kind="rejected", file="a.txt", message="empty file")]})
    markdown = render_markdown(partial, detail="full")
    assert _not_included(markdown) == ["- `a.txt` rejected: empty file"]
    assert "*No article made it into this briefing; see Not included.*" in markdown
    source = Source(ref=1, article_id="x", file="b.txt", date=None, language="en", headline="h")
    with_one = partial.model_copy(update={"sources": [source]})
    assert "*Nothing else to report: every other article was summarized and every quote verified.*" in render_markdown(
        with_one, detail="full"
    )


def test_json_output_lists_what_was_not_included(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    js = tmp_path / "b.json"
    result = CliRunner().invoke(app, [str(SEEDS), str(empty), "-q", "--json", str(js)])
    assert result.exit_code == 2
    notes = json.loads(js.read_text(encoding="utf-8"))["notes"]
    assert {
        "kind": "rejected",
        "file": str(empty),
        "message": "empty file: nothing to summarize; add the article text or remove the file",
    } in notes


def test_a_failed_executive_summary_is_a_typed_outcome_not_a_note_to_scan(tmp_path, seeds_copy):
    from pydantic import SecretStr

    from summarizer.config.settings import Settings
    from summarizer.models import Outcome
    from summarizer.pipeline import build_briefing

    with _SummaryDown() as server:
        settings = Settings(
            base_url=server.base_url,
            api_key=SecretStr("sk-test"),
            cache_dir=tmp_path / "cache",
            max_attempts=1,
            backoff_initial=0.0,
        )
        run = build_briefing([seeds_copy], settings)
    assert all(r.ok for r in run.results) and not run.rejected
    assert run.outcome is Outcome.PARTIAL and run.not_written == ["executive summary"]
    # the outcome does not depend on how the notes are worded or which kinds they have
    scrubbed = type(run)(
        briefing=run.briefing.model_copy(update={"notes": []}),
        results=run.results,
        rejected=[],
        stats=run.stats,
        not_written=run.not_written,
    )
    assert scrubbed.outcome is Outcome.PARTIAL and scrubbed.exit_code == 2
    assert (
        type(run)(briefing=run.briefing, results=run.results, rejected=[], stats=run.stats).outcome is Outcome.COMPLETE
    )
