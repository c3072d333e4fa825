"""Answers replayed from recordings are cached apart from paid ones, and a changed recording is a cache miss."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from summarizer.config.settings import Settings, resolve_settings
from summarizer.pipeline import build_briefing

ROOT = Path(__file__).resolve().parents[2]


def test_replay_and_live_namespaces_differ(tmp_path: Path):
    assert Settings(base_url="http://127.0.0.1:9/v1").namespace == "live"
    assert Settings(replay_dir=ROOT / "fixtures").namespace.startswith("replay-")


def test_editing_a_recording_invalidates_what_was_cached_from_it(tmp_path: Path):
    recordings = tmp_path / "recordings"
    shutil.copytree(ROOT / "fixtures", recordings, ignore=shutil.ignore_patterns("authored", "batch"))
    article = ROOT / "seeds" / "004_d1e212e9ebd721e5.txt"
    settings = resolve_settings({"replay_dir": str(recordings), "cache_dir": str(tmp_path / "cache")}, env={})

    first = build_briefing([article], settings)
    assert first.results[0].ok and not first.results[0].from_cache
    again = build_briefing(
        [article], resolve_settings({"replay_dir": str(recordings), "cache_dir": str(tmp_path / "cache")}, env={})
    )
    assert again.results[0].from_cache

    # A corrected recording (as after re-recording or fixing an authored answer) must be used, not the cached old answer.
    path = next(recordings.glob("brief.004_*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    call = data["response"]["choices"][0]["message"]["tool_calls"][0]["function"]
    args = json.loads(call["arguments"])
    args["headline"] = "Corrected headline"
    call["arguments"] = json.dumps(args, ensure_ascii=False)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    updated = build_briefing(
        [article], resolve_settings({"replay_dir": str(recordings), "cache_dir": str(tmp_path / "cache")}, env={})
    )
    assert not updated.results[0].from_cache
    assert updated.briefing.sources[0].headline == "Corrected headline"
