"""A synthetic news corpus for the benchmark and the merge-scale tests.

`make_corpus(n)` returns n distinct articles, each with the brief a careful model would return
for it: every event and stance quotes a sentence of the article verbatim. The articles report
a shared world of stories (about n/2 of them, spread over four months, some only dated to the
month, a few undated) among a cast of about n/4 named actors, so that sources overlap the way
real news does: the same event in several outlets, the same people under slightly different
spellings. Deterministic for a given n and seed.

`crowded=True` adds what makes merging hard in real folders: a few states ('Russia',
'Ukraine', 'European Union') named in about a third of the events, and one or two incidents
per article that name no actor (a drone attack, a flood), a third of them undated, drawn from a
pool of about n/4. Without it the corpus is the same as it always was.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

__all__ = ["CorpusArticle", "make_corpus"]

_FIRST = [
    "Ilham",
    "Vladimir",
    "Olena",
    "Andris",
    "Maria",
    "Dmitry",
    "Karin",
    "Tomas",
    "Yulia",
    "Pavel",
    "Egils",
    "Sergei",
    "Nadia",
    "Boris",
    "Laila",
    "Gints",
    "Anna",
    "Viktor",
    "Zane",
    "Hanna",
    "Oleg",
    "Rita",
    "Emil",
    "Ugis",
]
_LAST = [
    "Aliyev",
    "Petrov",
    "Kalnins",
    "Shevchenko",
    "Berzins",
    "Ivanova",
    "Ozols",
    "Melnyk",
    "Sokolov",
    "Liepa",
    "Bondar",
    "Krumins",
    "Volkov",
    "Tkachenko",
    "Vitols",
    "Orlov",
    "Zarins",
    "Kravets",
    "Morozov",
    "Balodis",
    "Hrytsenko",
    "Lebedev",
]
_VERBS = [
    "met",
    "criticised",
    "signed an agreement with",
    "called",
    "warned",
    "praised",
    "accused",
    "held talks with",
    "sanctioned",
    "invited",
]
_TOPICS = [
    "over gas transit",
    "about the border dispute",
    "on grain exports",
    "over the election results",
    "about the summit in Riga",
    "on energy prices",
    "over troop movements",
    "about the trade deal",
    "on refugee quotas",
    "over media freedom",
    "about the pipeline project",
    "on the peace plan",
    "over customs duties",
    "about the port in Odesa",
    "on railway tariffs",
]
_PLACES = [
    "Riga",
    "Kyiv",
    "Baku",
    "Moscow",
    "Vilnius",
    "Tallinn",
    "Warsaw",
    "Berlin",
    "Tbilisi",
    "Yerevan",
    "Minsk",
    "Chisinau",
]
_POSITIONS = ["supportive", "conciliatory", "neutral", "mixed", "critical", "hostile"]
_START = dt.date(2025, 6, 1)
_STATES = ["Russia", "Ukraine", "European Union"]
_INCIDENTS = [
    "A drone attack damaged an apartment block",
    "Heavy rain flooded the main roads",
    "A fire broke out at a grain warehouse",
    "Power was cut to thousands of homes",
    "Protesters gathered outside the parliament building",
    "A cargo train derailed near the station",
    "Air raid sirens sounded for three hours",
    "Hackers took the customs website offline",
    "A bridge was closed for urgent repairs",
    "Doctors went on strike over unpaid wages",
    "A gas leak forced the evacuation of a school",
    "Farmers blocked the highway with tractors",
]


@dataclass(frozen=True)
class CorpusArticle:
    """One generated article: its file name, file text (with the date header) and expected brief."""

    name: str
    file_text: str
    body: str  # the article text as brief reads it (header line's rest + body)
    brief: dict[str, Any]


def _variant(name: str, rng: random.Random) -> str:
    """A spelling variant, as transliterations differ ('Aliyev' / 'Aliev')."""
    first, last = name.split(" ", 1)
    for old, new in (("yev", "ev"), ("ins", "ynsh"), ("sky", "skyy"), ("ov", "off"), ("ko", "ka")):
        if old in last:
            return f"{first} {last.replace(old, new, 1)}"
    return f"{first} {last}s" if rng.random() < 0.5 else name


def make_corpus(n: int, *, seed: int = 7, crowded: bool = False) -> list[CorpusArticle]:
    """n distinct articles over a shared world of stories, with the brief of each (`crowded`: see the module docstring)."""
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # a stream of its own, so crowded=False draws exactly what it always did
    incidents = []
    for k in range(max(10, n // 4) if crowded else 0):
        day = _START + dt.timedelta(days=extra.randrange(120))
        roll = extra.random()
        incidents.append(
            {
                "date": None if roll < 0.3 else day.isoformat()[:7] if roll < 0.45 else day.isoformat(),
                "day": day,
                "what": extra.choice(_INCIDENTS),
                "place": extra.choice(_PLACES),
                "n": k,
            }
        )
    cast = sorted({f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(max(40, n // 3))})
    stories = []
    for i in range(max(10, n // 2)):
        day = _START + dt.timedelta(days=rng.randrange(120))
        roll = rng.random()
        date = None if roll < 0.04 else day.isoformat()[:7] if roll < 0.14 else day.isoformat()
        a, b = rng.sample(cast, 2)
        stories.append(
            {
                "date": date,
                "day": day,
                "actors": [a, b],
                "verb": rng.choice(_VERBS),
                "topic": rng.choice(_TOPICS),
                "place": rng.choice(_PLACES),
                "n": i,
            }
        )
    articles = []
    for i in range(n):
        told = rng.sample(stories, k=min(len(stories), rng.randint(3, 6)))
        told.sort(key=lambda s: (s["date"] is None, s["date"] or ""))
        published = max(s["day"] for s in told) + dt.timedelta(days=rng.randrange(3))
        actors: dict[str, dict[str, str]] = {}
        events, stances, sentences = [], [], []
        for story in told:
            a, b = story["actors"]
            written_a = _variant(a, rng) if rng.random() < 0.08 else a
            for name in (written_a, b):
                actors.setdefault(
                    name,
                    {
                        "name": name,
                        "name_in_source": name.split()[-1],
                        "kind": "person",
                        "role": rng.choice(["minister", "president", "spokesman", "mayor", "MP"]),
                    },
                )
            when = (
                f" on {story['day']:%d %B %Y}"
                if story["date"] and len(story["date"]) == 10
                else f" in {story['day']:%B %Y}"
                if story["date"]
                else ""
            )
            detail = rng.choice(
                ["", f" in {story['place']}", f", according to officials in {story['place']}", ", the outlet reports"]
            )
            sentence = f"{written_a} {story['verb']} {b} {story['topic']}{when}{detail} (report {i}-{story['n']})."
            sentences.append(sentence)
            states = [_STATES[story["n"] % 3]] if crowded and story["n"] % 3 == 0 else []
            events.append(
                {
                    "date": story["date"],
                    "precision": {None: "unknown", 7: "month", 10: "day"}[
                        len(story["date"]) if story["date"] else None
                    ],
                    "description": f"{written_a} {story['verb']} {b} {story['topic']}{detail}.",
                    "actors": [written_a, b, *states],
                    "evidence": sentence,
                }
            )
            for state in states:
                actors.setdefault(state, {"name": state, "name_in_source": state, "kind": "state", "role": "state"})
            if len(stances) < 2 and rng.random() < 0.5:
                stances.append(
                    {
                        "holder": written_a,
                        "target": b,
                        "position": rng.choice(_POSITIONS),
                        "gist": f"{written_a} {story['verb']} {b}.",
                        "evidence": sentence,
                    }
                )
        for incident in extra.sample(incidents, k=extra.randint(1, 2)) if incidents else ():
            when = (
                f" on {incident['day']:%d %B %Y}"
                if incident["date"] and len(incident["date"]) == 10
                else f" in {incident['day']:%B %Y}"
                if incident["date"]
                else ""
            )
            detail = extra.choice(["", ", witnesses said", ", local media reported"])
            sentence = f"{incident['what']} in {incident['place']}{when}{detail} (report {i}-i{incident['n']})."
            sentences.append(sentence)
            events.append(
                {
                    "date": incident["date"],
                    "precision": {None: "unknown", 7: "month", 10: "day"}[
                        len(incident["date"]) if incident["date"] else None
                    ],
                    "description": f"{incident['what']} in {incident['place']}{detail}.",
                    "actors": [],
                    "evidence": sentence,
                }
            )
        headline = f"Report {i}: {told[0]['actors'][0]} {told[0]['verb']} {told[0]['actors'][1]}"
        body = f"{headline}\n" + " ".join(sentences) + f"\nFiled by correspondent {i} for the synthetic wire."
        brief = {
            "source_language": "en",
            "headline": headline,
            "summary": " ".join(e["description"] for e in events[:3]),
            "actors": list(actors.values())[:12],
            "stances": stances,
            "events": events,
        }
        articles.append(
            CorpusArticle(
                name=f"{i:05d}.txt", file_text=f" date {published.isoformat()} {body}\n", body=body, brief=brief
            )
        )
    return articles
