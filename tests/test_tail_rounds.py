"""After the last article: every story's summary and cross-source analysis go out in one round.

Observed on the fake server, not timed: it holds every summary and analysis answer until all of
the run's summary and analysis requests have arrived. A run that waited for one story's answer
before sending another story's request would leave that answer held (the test fails on it).
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from summarizer import Settings
from summarizer.pipeline import build_briefing

from .conftest import SEEDS
from .fake_openai import FakeOpenAI
from .test_story_briefings import DEPOT, depot_brief

LATE = ("summary", "analysis")


@dataclass
class HoldingServer(FakeOpenAI):
    """Answers summary and analysis requests only once `expected` of them have arrived (else gives up after `patience` s)."""

    expected: int = 0
    patience: float = 30.0
    arrived: int = 0
    held_in_vain: list[str] = field(default_factory=list)  # answers released before all requests had arrived

    def __post_init__(self) -> None:
        super().__post_init__()
        self._arrivals = threading.Condition()

    def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        if key and key.split("/")[0] in LATE:
            with self._arrivals:
                self.arrived += 1
                self._arrivals.notify_all()
                if not self._arrivals.wait_for(lambda: self.arrived >= self.expected, timeout=self.patience):
                    self.held_in_vain.append(key)
        return super().answer_for(body, key)


def _folder(root):
    shutil.copytree(SEEDS, root / "seeds")
    briefs = {}
    for path, (date, language, quote, headline, summary) in DEPOT.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f" date {date} {quote}\n{summary}\n", encoding="utf-8")
        briefs[quote] = depot_brief(language, quote, headline, summary)
    return briefs


def test_every_storys_summary_and_analysis_requests_are_all_sent_before_any_is_answered(tmp_path):
    briefs = _folder(tmp_path)
    with FakeOpenAI(briefs=briefs) as plain:
        first = build_briefing([tmp_path], Settings(base_url=plain.base_url, api_key=SecretStr("sk-test"), use_cache=False))
        late = [r for r in plain.requests if r["headers"].get("X-Brief-Key", "").split("/")[0] in LATE]
    assert len(first.briefing.stories) == 2 and len(late) == 4  # two stories, each a summary and an analysis

    with HoldingServer(briefs=briefs, expected=len(late)) as held:
        second = build_briefing([tmp_path], Settings(base_url=held.base_url, api_key=SecretStr("sk-test"), use_cache=False))
    assert held.arrived == len(late)
    assert held.held_in_vain == []  # no answer was needed before every request had gone out
    assert [s.summary for s in second.briefing.stories] == [s.summary for s in first.briefing.stories]
