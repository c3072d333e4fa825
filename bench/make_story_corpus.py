"""Generate bench/stories_corpus.jsonl: labelled brief-level records for the story-clustering evaluation.

    python bench/make_story_corpus.py            # writes bench/stories_corpus.jsonl (seed 13)
    python bench/make_story_corpus.py --seed 5 --out /tmp/other.jsonl
    python bench/make_story_corpus.py --outlet delfi.lv --out /tmp/delfi.jsonl   # one outlet tells every story

Each record is what brief's per-article brief holds (English headline, summary, actors with
kinds, events with dates) plus the article's language, outlet, publication date and the story
label. The facts are in `story_world.py` (hand-written, invented). How one article's brief is
made from its story, with the seeded random generator:

- the outlet is one of the 3-6 outlets covering the story (its language is the article's), or
  with `--outlet` always that one (the README's advice: each outlet's files in one folder);
- the article reports one of the story's events as its news (the first event more often) and
  is published 0-2 days after it; it retells each earlier event with probability 0.6;
- the headline is the event's headline or the first words of one of its two descriptions; the
  summary uses one description of each reported event, 0-2 context sentences, sometimes an
  aside about a famous actor from outside the story (who is then listed as an actor) and, with
  probability 0.35, the outlet's boilerplate sentence (the outlet is then often an actor too);
- event descriptions are picked independently of the summary's; event dates are day-precise,
  sometimes only the month (0.15) or unknown (0.05);
- a per-article set of synonym swaps ("talks"/"negotiations", "said"/"stated", ...) stands for
  different translators and editors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from story_world import ASIDES, OUTLETS, STORIES

OUT = Path(__file__).resolve().parent / "stories_corpus.jsonl"
SYNONYMS = [
    ("said", "stated"),
    ("said", "declared"),
    ("announced", "reported"),
    ("talks", "negotiations"),
    ("agreement", "accord"),
    ("deal", "pact"),
    ("attack", "strike"),
    ("strike", "attack"),
    ("injured", "hurt"),
    ("detained", "held"),
    ("government", "cabinet"),
    ("opened", "launched"),
    ("closed", "shut"),
    ("about", "around"),
    ("more than", "over"),
    ("called", "described"),
    ("urged", "called on"),
    ("prisoners", "captives"),
    ("fund", "facility"),
    ("asked", "requested"),
    ("damaged", "hit"),
    ("percent", "%"),
    ("million", "mln"),
    ("president", "head of state"),
]


def _reword(text: str, swaps: list[tuple[str, str]]) -> str:
    """Each swap applied once, all at the same time (no chains like deal -> accord -> pact)."""
    table: dict[str, str] = {}
    for old, new in swaps:
        table.setdefault(old, new)
    if not table:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(old) for old in sorted(table, key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda m: table[m.group(1)], text)


def _date(start: dt.date, offset: int, rng: random.Random) -> str | None:
    roll = rng.random()
    day = start + dt.timedelta(days=offset)
    return None if roll < 0.05 else day.isoformat()[:7] if roll < 0.20 else day.isoformat()


def make_records(seed: int = 13, only: str | None = None) -> list[dict]:
    """The corpus; with `only` (an outlet), every article of every story is that outlet's (one folder of one outlet)."""
    rng = random.Random(seed)
    records = []
    for key, city, start_text, actors, context, events in STORIES:
        start = dt.date.fromisoformat(start_text)
        outlets = rng.sample(sorted(OUTLETS), rng.randint(3, 6))
        if only is not None:
            outlets = [only]
        roles = {name: (kind, role) for name, kind, role in actors}
        for n in range(rng.randint(7, 14)):
            outlet = outlets[n % len(outlets)] if n < len(outlets) else rng.choice(outlets)
            language, boilerplate, outlet_name = OUTLETS[outlet]
            swaps = [pair for pair in SYNONYMS if rng.random() < 0.4]
            k = 0 if rng.random() < 0.45 else rng.randrange(len(events))
            told = [i for i in range(k) if rng.random() < 0.6] + [k]
            published = start + dt.timedelta(days=events[k][0] + rng.choice([0, 0, 1, 1, 2]))
            _offset, _, headline, desc_a, desc_b = events[k]
            if rng.random() < 0.5:
                words = rng.choice([desc_a, desc_b]).rstrip(".").split()
                headline = " ".join(words[: rng.randint(8, 13)])
            summary = [rng.choice([desc_a, desc_b])] + [rng.choice(events[i][3:5]) for i in told[:-1]]
            summary += rng.sample(context, rng.randint(0, 2))
            names = [a for i in told for a in events[i][1]]
            names += [name for name, _, _ in actors if rng.random() < 0.5]
            extra = []
            if rng.random() < 0.25:
                famous, aside = rng.choice(ASIDES)
                summary.append(aside)
                extra.append((famous, "person", "public figure"))
            if rng.random() < 0.35:
                summary.append(boilerplate)
                if rng.random() < 0.6:
                    extra.append((outlet_name, "media", "news outlet"))
            seen: list[str] = []
            for name in names:
                if name not in seen:
                    seen.append(name)
            actor_list = [{"name": name, "kind": roles[name][0], "role": roles[name][1]} for name in seen]
            actor_list += [{"name": name, "kind": kind, "role": role} for name, kind, role in extra if name not in seen]
            event_list = [
                {
                    "date": _date(start, events[i][0], rng),
                    "description": _reword(rng.choice(events[i][3:5]), swaps),
                    "actors": events[i][1],
                }
                for i in told
            ]
            record = {
                "story": key,
                "outlet": outlet,
                "language": language,
                "date": published.isoformat(),
                "city": city,
                "headline": _reword(headline, swaps),
                "summary": _reword(" ".join(summary), swaps),
                "actors": actor_list[:10],
                "events": event_list,
            }
            record["id"] = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]
            records.append(record)
    records.sort(key=lambda r: r["id"])
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--outlet", choices=sorted(OUTLETS), help="every article from this one outlet (its language and boilerplate)"
    )
    args = parser.parse_args()
    records = make_records(args.seed, args.outlet)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    stories = {r["story"] for r in records}
    languages = {r["language"] for r in records}
    print(
        f"{args.out}: {len(records)} articles, {len(stories)} stories, {len(languages)} languages, {len({r['outlet'] for r in records})} outlets"
    )


if __name__ == "__main__":
    main()
