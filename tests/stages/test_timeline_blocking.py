"""The blocked timeline merge gives the timeline the old merge gave (issue 26).

`summarizer/stages/timeline.py` scores only event pairs that share a word (and an actor, or
near-identical wording); the old merge scored every pair with an actor in common, and every
pair where one event names no actor: quadratic on real folders. `tests/merge_reference.py` keeps
the old merge. On the benchmark corpora (bench/growth.py's shapes: one giant story; the same
with famous states and actorless incidents; many small stories) the two must agree entry for
entry (the merge's timeline before `chronology.place_coarse_dates` places coarse dates, which the
old merge did not do): live on a few hundred articles, and against the old merge's recorded timelines at 1,000
articles (regenerate with `python tests/merge_reference.py --record`, minutes, only when merging
is meant to change).
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from summarizer.models import BriefingMeta
from summarizer.stages import merge, timeline
from tests.merge_reference import (
    RECORDED,
    RECORDED_SIZE,
    SHAPES,
    corpus_results,
    fingerprint,
    numbered,
    reference_merge_events,
    subsets,
)

META = BriefingMeta(
    generated_at="2025-12-31 00:00 UTC",
    model="m",
    mode="tools",
    endpoint="test",
    prompt_hashes={},
    schema_hash="s",
    articles=0,
    briefs=0,
    items_verified=0,
    items_unverified=0,
)
LIVE = {"giant": 300, "crowded": 150, "small": 363}


@cache
def results(shape: str, n: int):  # type: ignore[no-untyped-def]
    return tuple(corpus_results(shape, n))


@pytest.mark.parametrize("shape", SHAPES)
def test_the_blocked_merge_gives_the_old_merges_timeline(shape: str):
    for name, subset in subsets(results(shape, LIVE[shape])).items():
        sources, canonical = numbered(subset)
        old = reference_merge_events(sources, canonical)
        assert merge._merge_events(sources, canonical) == old, f"{shape} {LIVE[shape]} {name}"
        assert sum(len(e.sources) > 1 for e in old) > 10, "the corpus has events that several sources report"


@pytest.mark.parametrize("shape", SHAPES)
def test_the_blocked_merge_gives_the_old_merges_recorded_timelines_at_1000_articles(shape: str):
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    for name, subset in subsets(results(shape, RECORDED_SIZE)).items():
        key = f"{shape} {RECORDED_SIZE} {name}"
        assert fingerprint(merge._merge_events(*numbered(subset))) == recorded[key], key


def test_crowded_events_are_scored_in_far_fewer_pairs_than_the_old_merge_compared(monkeypatch):
    """Actorless incidents and famous states made the old merge compare most pairs; blocking scores a few per event."""
    counted = {"scores": 0}
    score = timeline._score

    def counting(a, b):  # type: ignore[no-untyped-def]
        counted["scores"] += 1
        return score(a, b)

    monkeypatch.setattr(timeline, "_score", counting)
    subset = list(results("crowded", LIVE["crowded"]))
    merge.merge_briefs(subset, meta=META)
    events = sum(len(r.brief.events) for r in subset)
    assert 0 < counted["scores"] <= 10 * events, f"{counted['scores']} scores for {events} events"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Heavy rain flooded the main roads in Riga.", "Heavy rain flooded the main roads in Riga, witnesses said."),
        ("Putin met Aliyev in Dushanbe.", "Putin and Aliyev met in Dushanbe on Friday."),
        ("Putin met Aliyev.", "Putin met Aliyev."),
        ("Putin and Aliyev.", "Aliyev with Putin."),  # no word to block on but names and function words
    ],
)
def test_the_fast_score_is_event_similarity(a: str, b: str):
    for names_a, names_b in [
        (set(), set()),
        ({"Vladimir Putin"}, {"Vladimir Putin", "Ilham Aliyev"}),
        ({"Ilham Aliyev"}, set()),
    ]:
        expected = merge.event_similarity([a], [b], names_a, names_b)
        got = timeline._score(timeline._key(a, frozenset(names_a)), timeline._key(b, frozenset(names_b)))
        if expected >= merge.EVENT_MATCH_THRESHOLD or got >= merge.EVENT_MATCH_THRESHOLD:
            assert got == expected, (a, b, names_a, names_b)


def test_events_described_only_by_names_and_function_words_still_merge():
    """'Putin was there.' has no word to block on once the name is out: it meets every event of its actor, as before."""
    from tests.stages.test_merge import event, result

    putin = ["Vladimir Putin"]
    briefs = [
        result("a.txt", "2025-10-10", "ru", events=[event("Vladimir Putin was there.", "2025-10-09", putin)]),
        result("b.txt", "2025-10-11", "uk", events=[event("Vladimir Putin was there too.", "2025-10-09", putin)]),
        result(
            "c.txt", "2025-10-12", "lv", events=[event("It was there.", "2025-10", [])]
        ),  # names no actor: meets every event
        result("d.txt", "2025-10-13", "lv", events=[event("There it was.", None, [])]),
    ]
    timeline = merge._merge_events(*numbered(briefs))
    assert timeline == reference_merge_events(*numbered(briefs))
    assert [e.sources for e in timeline] == [[1, 2, 3, 4]]
