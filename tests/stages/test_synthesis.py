"""The executive summary's citations: checked per paragraph by the response model (a paragraph citing
a source that does not exist is left out with a note, the rest stands; the model is re-asked only
when most paragraphs fail) and again after the answer is accepted.

Both checks are exercised over real HTTP: FakeOpenAI answers the seed briefs from the recordings
and the summary request with a paragraph that cites source [9] of a five-source briefing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from summarizer.pipeline import build_briefing
from summarizer.render.markdown import render_markdown
from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI
from tests.llm.test_faults import fast_settings

REAL = {"text": "Ilham Aliyev and Vladimir Putin met in Dushanbe.", "sources": [3, 4]}
INVENTED = {"text": "An invented claim resting on no source.", "sources": [9]}


@dataclass
class _CitesSourceNine(FakeOpenAI):
    """Answers the executive summary with a paragraph citing [9]: every time, or only the first time."""

    only_first: bool = False
    paragraphs: tuple = (REAL, INVENTED)

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        if key and key.startswith("summary/"):
            asked = sum(r["headers"].get("X-Brief-Key", "").startswith("summary/") for r in self.requests)
            if not (self.only_first and asked > 1):
                return {"paragraphs": list(self.paragraphs)}
            return {"paragraphs": [REAL]}
        return super().answer_for(body, key)


def _summary_requests(server: FakeOpenAI) -> list[str]:
    """The messages of each summary request, as one JSON string each."""
    return [
        json.dumps(r["body"]["messages"], ensure_ascii=False)
        for r in server.requests
        if r["headers"].get("X-Brief-Key", "").startswith("summary/")
    ]


def test_an_answer_whose_paragraphs_mostly_cite_missing_sources_is_re_asked_naming_them(tmp_path: Path):
    with _CitesSourceNine(only_first=True, paragraphs=(INVENTED,)) as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, max_reasks=2))
        asked = _summary_requests(server)
    assert len(asked) == 2, "the answer whose only paragraph cites [9] is re-asked once"
    error = "sources [9] do not exist; cite only numbers from [1, 2, 3, 4, 5]"
    assert error not in asked[0] and error in asked[1]
    assert "summary paragraph 1 (An invented claim resting on no source.)" in asked[1], (
        "the re-ask names the failing paragraph"
    )
    assert run.exit_code == 0
    assert [(p.text, p.sources) for p in run.briefing.summary] == [(REAL["text"], REAL["sources"])]
    assert INVENTED["text"] not in render_markdown(run.briefing, detail="full")


def test_a_paragraph_citing_a_missing_source_is_left_out_and_noted_without_a_re_ask(tmp_path: Path):
    with _CitesSourceNine() as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, max_reasks=2))
        asked = _summary_requests(server)
    assert len(asked) == 1, "one bad paragraph of two: the answer stands, one request"
    assert [(p.text, p.sources) for p in run.briefing.summary] == [(REAL["text"], REAL["sources"])]
    dropped = [n.message for n in run.briefing.notes if n.kind == "unverified" and "summary paragraph" in n.message]
    assert dropped == [
        f"executive summary: summary paragraph 2 ({INVENTED['text']}) left out: sources: sources [9] do not exist; cite only numbers from [1, 2, 3, 4, 5]"
    ]
    summary = render_markdown(run.briefing, detail="full").split("## Summary", 1)[1].split("\n## ", 1)[0]
    assert "[9]" not in summary and INVENTED["text"] not in summary


@dataclass
class _LayeredSummary(FakeOpenAI):
    """Answers the executive summary with a bottom line and key developments, one of them citing [9] and one misdated."""

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        if key and key.startswith("summary/"):
            return {
                "bottom_line": {"text": "Aliyev and Putin met in Dushanbe after months of strain.", "sources": [3, 4]},
                "key_developments": [
                    {"text": "Aliyev and Putin met in Dushanbe.", "date": "2025-10-09", "sources": [3, 4]},
                    INVENTED | {"date": "2025-11-01"},
                    {"text": "Aliyev declined the summit in Saint Petersburg.", "date": "9 December", "sources": [5]},
                ],
                "paragraphs": [REAL],
            }
        return super().answer_for(body, key)


def test_the_bottom_line_and_key_developments_are_checked_item_by_item(tmp_path: Path):
    with _LayeredSummary() as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, max_reasks=2))
        asked = _summary_requests(server)
    assert len(asked) == 1, "one bad key development of three: the answer stands"
    b = run.briefing
    assert (b.bottom_line.text, b.bottom_line.sources) == (
        "Aliyev and Putin met in Dushanbe after months of strain.",
        [3, 4],
    )
    assert [(k.text, k.date, k.sources) for k in b.key_developments] == [
        ("Aliyev and Putin met in Dushanbe.", "2025-10-09", [3, 4]),
        ("Aliyev declined the summit in Saint Petersburg.", None, [5]),  # a date in another shape is no date
    ]
    assert any("key development 2 (An invented claim resting on no source.) left out" in n.message for n in b.notes)
    brief = render_markdown(b)
    assert brief.split("## Bottom line\n\n", 1)[1].startswith(
        "Aliyev and Putin met in Dushanbe after months of strain. [3][4]"
    )
    assert "- **2025-10-09** Aliyev and Putin met in Dushanbe. [3][4]" in brief
    assert "- **by 2025-12-22** Aliyev declined the summit in Saint Petersburg. [5]" in brief, (
        "undated: at the day it was reported"
    )
    assert INVENTED["text"] not in brief.split("## Notes", 1)[0], "only the note that it was left out names it"
