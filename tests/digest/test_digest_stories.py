"""Digests keep story ids across days: a continuing story keeps its id, new stories are marked new."""

from __future__ import annotations

import datetime as dt

from summarizer import Settings, bundled_fixtures_dir
from summarizer.digest.build import build_digests
from summarizer.models import Digest

from tests.conftest import SEEDS

OCT10, OCT17, DEC22 = dt.date(2025, 10, 10), dt.date(2025, 10, 17), dt.date(2025, 12, 22)


def test_a_story_that_continues_keeps_its_id_and_says_what_is_new(tmp_path):
    run = build_digests(
        [SEEDS], tmp_path, Settings(replay_dir=bundled_fixtures_dir(), use_cache=False), days=[OCT10, OCT17, DEC22]
    )
    digests = {d.date: d.digest for d in run.days}
    first = digests[OCT10].stories
    assert len(first) == 1 and first[0].new and first[0].first_reported is None
    for day in (OCT17, DEC22):  # the Dushanbe meeting story goes on: same id, not new, first reported on 10 October
        (story,) = digests[day].stories
        assert (story.id, story.new, story.first_reported) == (first[0].id, False, OCT10)
        assert story.new_events, "what is new in it since the previous digests"
    again = Digest.model_validate_json((tmp_path / f"{DEC22}.json").read_text(encoding="utf-8"))
    assert again.stories[0].id == first[0].id  # the id is in the JSON the next day's run reads
    md = (tmp_path / f"{OCT17}.md").read_text(encoding="utf-8")
    assert f"continuing since {OCT10}" in md and f"`{first[0].id}`" in md
    assert "**new**" in (tmp_path / f"{OCT10}.md").read_text(encoding="utf-8")
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert index.count("  - stories: ") == 3 and "(continuing)" in index and "(new)" in index
