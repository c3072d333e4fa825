"""How a clustering is scored against the labels: the labelled record as the clusterer's input, and pairwise precision/recall/F1.

Shared by eval_stories.py (the labelled corpora) and fetched_stories.py (corpora fetched by `brief fetch`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from summarizer.stories.features import StoryDoc


def to_doc(r: dict) -> StoryDoc:
    return StoryDoc(
        id=r["id"],
        date=dt.date.fromisoformat(r["date"]),
        language=r["language"],
        outlet=r["outlet"],
        headline=r["headline"],
        summary=r["summary"],
        actors=tuple((a["name"], a["kind"]) for a in r["actors"]),
        events=tuple((e["description"], e["date"]) for e in r["events"]),
    )


def pairwise(labels: dict[str, str], clusters: dict[str, str]) -> tuple[float, float, float]:
    def pairs(groups: dict[str, str]) -> Counter:
        return Counter(groups.values())

    same_pred = sum(n * (n - 1) // 2 for n in pairs(clusters).values())
    same_gold = sum(n * (n - 1) // 2 for n in pairs(labels).values())
    both = Counter((labels[i], clusters[i]) for i in labels)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    p = tp / same_pred if same_pred else 1.0
    r = tp / same_gold if same_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
