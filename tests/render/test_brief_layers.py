"""The brief's layers tell each event once: a key development takes its timeline entry's date, and the brief's
timeline leaves out what the key developments tell (the full view keeps the whole chronology)."""

from __future__ import annotations

from summarizer.config.settings import resolve_settings
from summarizer.pipeline import build_briefing
from summarizer.render.markdown import render_markdown
from tests.conftest import SEEDS


def _seeds():
    return build_briefing([SEEDS], resolve_settings({"use_cache": False}, env={})).briefing


def _timeline(markdown: str) -> str:
    return markdown.split("## Timeline", 1)[1].split("\n## ", 1)[0]


def test_a_timeline_whose_every_event_a_key_development_tells_says_so_instead_of_repeating_them():
    b = _seeds()
    dushanbe = [e for e in b.timeline if e.description == "Ilham Aliyev and Vladimir Putin met in Dushanbe."]
    key = [k for k in b.key_developments if "met in Dushanbe" in k.text]
    assert len(dushanbe) == len(key) == 1
    one = b.model_copy(update={"timeline": dushanbe, "key_developments": key, "stories": []})
    shown = _timeline(render_markdown(one))
    assert "Every event is told under Key developments" in shown and "met in Dushanbe" not in shown
    assert "met in Dushanbe" in _timeline(render_markdown(one, detail="full"))


def test_a_key_development_no_timeline_entry_tells_keeps_its_own_date_and_the_timeline_keeps_every_event():
    b = _seeds()
    other = [
        k.model_copy(update={"text": "Something no brief reports at all, on a day of its own.", "date": "2025-11"})
        for k in b.key_developments[:1]
    ]
    changed = b.model_copy(update={"key_developments": other, "stories": []})
    md = render_markdown(changed)
    assert "- **2025-11** Something no brief reports at all" in md
    assert "Besides the events under Key developments" not in _timeline(md)
