"""Benchmark: brief against a "weak model", one that answers like a 1.5B model on llama.cpp did.

For each failure alone and all together (tests/fake_openai.py WEAK: answers not in English, a summary
saying one sentence three times, "quotes" saying there is no evidence, quotes wrapped in the prompt's
<article> tags, invented quotes), on the five seeds, prints: articles briefed and degraded, evidence
items kept (verified) of those given, HTTP requests, the run's exit code and verdict, and what
`brief check`'s quality step calls the same model. Nothing here is a real model: the figures say what
brief does with such answers, not how often a real model gives them.

    python bench/weak.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.config.model import Settings
from summarizer.pipeline import build_briefing
from summarizer.stages.trial import trial_model
from tests.fake_openai import WEAK, FakeOpenAI


def _settings(server: FakeOpenAI, cache: Path) -> Settings:
    return Settings(
        base_url=server.base_url,
        api_key="sk-bench-000000",
        cache_dir=cache,
        concurrency=4,
        timeout=10.0,
        provider="llamacpp",
        mode="json_object_schema",
        backoff_initial=0.01,
        backoff_max=0.05,
    )


def main() -> int:
    started = time.monotonic()
    print(
        "| failure | briefed | degraded | items verified / given | notes: not English / no quote / loop cut | requests | exit | run verdict | brief check |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("none", *WEAK, "all"):
            fault = "ok" if kind == "none" else f"weak:{kind}"
            with FakeOpenAI(default=fault, loose_keys=True) as server:
                settings = _settings(server, Path(tmp) / kind)
                run = build_briefing([ROOT / "seeds"], settings)
                requests = server.count
                trial = trial_model(settings)
            m = run.briefing.meta
            degraded = len(run.degraded)
            briefed = sum(r.ok for r in run.results) - degraded
            verdict = "too weak" if m.quality_warning else "ok"
            notes = [n.message for n in run.briefing.notes]
            counts = " / ".join(
                str(sum(word in n for n in notes))
                for word in ("not English", "says there is no evidence", "repeated itself")
            )
            print(
                f"| {kind} | {briefed}/{len(run.results)} | {degraded} | {m.items_verified} / {m.items_verified + m.items_unverified} | {counts} | "
                f"{requests} | {run.exit_code} | {verdict} | {trial.verdict} |"
            )
    print(f"\n{time.monotonic() - started:.1f} s in all (fake server on 127.0.0.1; no real model)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
