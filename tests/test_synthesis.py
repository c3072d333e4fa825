"""The executive summary's citations: checked by the response model (the model is re-asked) and
again after the answer is accepted (a paragraph citing a source that does not exist is dropped).

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
from tests.test_faults import fast_settings

REAL = {"text": "Ilham Aliyev and Vladimir Putin met in Dushanbe.", "sources": [3, 4]}
INVENTED = {"text": "An invented claim resting on no source.", "sources": [9]}


@dataclass
class _CitesSourceNine(FakeOpenAI):
    """Answers the executive summary with a paragraph citing [9]: every time, or only the first time."""

    only_first: bool = False

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        if key and key.startswith("summary/"):
            asked = sum(r["headers"].get("X-Brief-Key", "").startswith("summary/") for r in self.requests)
            if not (self.only_first and asked > 1):
                return {"paragraphs": [REAL, INVENTED]}
        return super().answer_for(body, key)


def _summary_requests(server: FakeOpenAI) -> list[str]:
    """The messages of each summary request, as one JSON string each."""
    return [json.dumps(r["body"]["messages"], ensure_ascii=False) for r in server.requests
            if r["headers"].get("X-Brief-Key", "").startswith("summary/")]


def test_a_citation_to_a_source_that_does_not_exist_is_re_asked_with_the_valid_numbers(tmp_path: Path):
    with _CitesSourceNine(only_first=True) as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, max_reasks=2))
        asked = _summary_requests(server)
    assert len(asked) == 2, "the answer citing [9] is re-asked once"
    error = "sources [9] do not exist; cite only numbers from [1, 2, 3, 4, 5]"
    assert error not in asked[0] and error in asked[1]
    assert run.exit_code == 0
    assert run.briefing.summary and all(set(p.sources) <= {1, 2, 3, 4, 5} for p in run.briefing.summary)
    assert INVENTED["text"] not in render_markdown(run.briefing)


def test_a_paragraph_whose_citation_never_resolves_is_dropped_and_noted(tmp_path: Path):
    with _CitesSourceNine() as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, max_reasks=2))
        asked = _summary_requests(server)
    assert len(asked) == 3, "asked once and re-asked twice, then the last answer is checked again"
    assert [(p.text, p.sources) for p in run.briefing.summary] == [(REAL["text"], REAL["sources"])]
    dropped = [n.message for n in run.briefing.notes if n.kind == "unverified" and "summary paragraph" in n.message]
    assert dropped == [f"summary paragraph dropped, its citations [9] do not resolve: {INVENTED['text']}"]
    summary = render_markdown(run.briefing).split("## Summary", 1)[1].split("\n## ", 1)[0]
    assert "[9]" not in summary and INVENTED["text"] not in summary
