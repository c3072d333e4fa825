"""Stories across days: a story that continues keeps the id an earlier digest gave it.

Today's stories and the stories of the earlier digests (latest first) are clustered together
with the same deterministic algorithm that groups articles (`stories.clustering`), each story
standing as one document: its title and lead, summary, actors and timeline. A story of today
that falls in a cluster with earlier stories continues the one of the latest digest and takes its
id (and the date it was first reported); if two of today's stories claim the same earlier one,
the one with more sources keeps it and the other is new. What is new in a story since the
earlier digests (its new events and stance shifts) is decided as for the whole digest (`compare_with_earlier`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from ..models import Digest, DigestStory, NewEvent, StanceRow, StoryBriefing, TimelineEntry
from ..stories.clustering import cluster_stories
from ..stories.features import StoryDoc

__all__ = ["carry_stories"]

Compare = Callable[
    [Sequence[TimelineEntry], Sequence[StanceRow], Sequence[Digest], dt.date], tuple[list[NewEvent], list, list]
]


def _doc(key: str, story: StoryBriefing, fallback: dt.date) -> StoryDoc:
    """The story as one document; its actors most prominent first (named in most events and stances, then most sources)."""
    weight = Counter(name for e in story.timeline for name in e.actors) + Counter(s.holder for s in story.stances)
    actors = sorted(story.actors, key=lambda a: (-weight[a.name], -len(a.sources), a.name))
    return StoryDoc(
        id=key,
        date=story.last_date or fallback,
        language="en",
        outlet=None,
        headline=story.title,
        summary=" ".join([story.lead, *(p.text for p in story.summary)]),
        actors=tuple((a.name, a.kind) for a in actors),
        events=tuple((e.description, e.date) for e in story.timeline),
    )


def carry_stories(
    day: dt.date, stories: Sequence[StoryBriefing], earlier: Sequence[Digest], compare: Compare
) -> list[DigestStory]:
    """Today's stories as digest stories: ids carried from `earlier` digests (ascending by date), new ones marked new."""
    known: dict[str, tuple[StoryBriefing, dt.date, dt.date]] = {}  # key -> (story, its digest's date, first reported)
    for digest in earlier:
        for story in getattr(digest, "stories", []):
            first = story.first_reported if isinstance(story, DigestStory) and story.first_reported else digest.date
            known[f"old|{digest.date}|{story.id}"] = (story, digest.date, first)
    docs = [_doc(key, story, when) for key, (story, when, _) in known.items()]
    docs += [_doc(f"new|{story.id}", story, day) for story in stories]
    claims: dict[str, list[tuple[StoryBriefing, str]]] = {}
    if known:
        for cluster in cluster_stories(docs):
            olds = [k for k in cluster.article_ids if k.startswith("old|")]
            if not olds:
                continue
            latest = max(olds, key=lambda k: (known[k][1], k))
            for key in cluster.article_ids:
                if key.startswith("new|"):
                    claims.setdefault(latest, []).append((next(s for s in stories if s.id == key[4:]), latest))
    carried: dict[str, tuple[str, dt.date]] = {}
    for old_key, claimants in claims.items():
        winner = max(claimants, key=lambda c: (len(c[0].sources), c[0].id))[0]
        old, _, first = known[old_key]
        carried[winner.id] = (old.id, first)
    out = []
    for story in stories:
        new_events, _, shifts = compare(story.timeline, story.stances, earlier, day)
        story_id, first_reported = carried.get(story.id, (story.id, None))
        out.append(
            DigestStory(
                **{**dict(story), "id": story_id},
                new=story.id not in carried,
                first_reported=first_reported,
                new_events=new_events,
                stance_shifts=shifts,
            )
        )
    return out
