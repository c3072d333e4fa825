"""Score brief's story clustering against the labelled corpus, and time it at 10,000 articles.

    python bench/eval_stories.py                       # bench/stories_corpus.jsonl, then the 10,000-article run
    python bench/eval_stories.py --scale 0             # quality only
    python bench/eval_stories.py --min-f1 0.90         # exit 1 if pairwise F1 is below 0.90
    python bench/eval_stories.py --fetched 9 --scale 0 # every outlet's corpus also fetched from a local feed (default 3)

Quality: pairwise precision/recall/F1 (over all pairs of articles: a pair is positive when both
are in the same story) and BCubed precision/recall/F1 (per article: the share of its cluster
that has its label, and of its label that is in its cluster, averaged), plus the errors by
story. Scale: the corpus is repeated in time windows 70 days apart (each copy's ids, dates and
numbers shifted) up to `--scale` articles; the run reports the time of `cluster_stories` and of
merging each story's briefs with `merge_briefs`, and the peak resident memory of the whole
process (resource.getrusage, which includes the interpreter and libraries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.stories.clustering import cluster_stories

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_story_corpus import make_records
from story_world import OUTLETS
from story_scoring import pairwise, to_doc

CORPUS = Path(__file__).resolve().parent / "stories_corpus.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bcubed(labels: dict[str, str], clusters: dict[str, str]) -> tuple[float, float, float]:
    gold, pred = Counter(labels.values()), Counter(clusters.values())
    both = Counter((labels[i], clusters[i]) for i in labels)
    p = sum(both[(labels[i], clusters[i])] / pred[clusters[i]] for i in labels) / len(labels)
    r = sum(both[(labels[i], clusters[i])] / gold[labels[i]] for i in labels) / len(labels)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def quality(records: list[dict], verbose: bool = True) -> tuple[float, ...]:
    stories = cluster_stories([to_doc(r) for r in records])
    clusters = {aid: s.id for s in stories for aid in s.article_ids}
    labels = {r["id"]: r["story"] for r in records}
    pp, pr, pf = pairwise(labels, clusters)
    bp, br, bf = bcubed(labels, clusters)
    if verbose:
        print(
            f"corpus: {len(records)} articles, {len(set(labels.values()))} stories, {len({r['language'] for r in records})} languages, "
            f"{len({r['outlet'] for r in records})} outlets -> {len(stories)} clusters"
        )
        print(f"pairwise  precision {pp:.3f}  recall {pr:.3f}  F1 {pf:.3f}")
        print(f"BCubed    precision {bp:.3f}  recall {br:.3f}  F1 {bf:.3f}")
        by_story: dict[str, Counter] = defaultdict(Counter)
        for r in records:
            by_story[r["story"]][clusters[r["id"]]] += 1
        split = {k: sorted(c.values(), reverse=True) for k, c in by_story.items() if len(c) > 1}
        mixed = [
            sorted(Counter(labels[a] for a in s.article_ids).items())
            for s in stories
            if len({labels[a] for a in s.article_ids}) > 1
        ]
        print(
            f"stories split over several clusters: {len(split)}"
            + "".join(f"\n  {k}: {v}" for k, v in sorted(split.items()))
        )
        print(f"clusters mixing stories: {len(mixed)}" + "".join(f"\n  {m}" for m in mixed))
    return pp, pr, pf, bp, br, bf


SHARED_NAMES = {"Russia", "Ukraine", "United States", "European Union", "Latvia", "NATO"}
_NAME_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def _renamer(copy: int):
    """For copy n > 0: every capitalised word outside SHARED_NAMES gets a suffix ('Kyiv' -> 'Kyivbcx'), numbers shift."""
    if copy == 0:
        return lambda text: text
    suffix = "".join(chr(ord("a") + int(d)) for d in str(copy)) + "x"
    keep = {w for name in SHARED_NAMES for w in name.split()}

    def rename(text: str) -> str:
        text = _NAME_WORD.sub(
            lambda m: m.group(0) if m.group(0) in keep or len(m.group(0)) < 4 else m.group(0) + suffix, text
        )
        return re.sub(r"\b\d{2,}\b", lambda m: str(int(m.group(0)) + 1000 * copy), text)

    return rename


def scaled(records: list[dict], n: int) -> list[dict]:
    """`records` repeated until there are n: copy k is 70 x k days later, with its own names and figures.

    Each copy renames every capitalised word except a few states and alliances (so copies are
    different stories about different people and places that share those and the generic
    vocabulary: "attack", "talks", "sanctions") and shifts numbers, ids and dates.
    """
    out = []
    copy = 0
    while len(out) < n:
        shift = dt.timedelta(days=70 * copy)
        rename = _renamer(copy)

        def moved(d: str | None, shift: dt.timedelta = shift) -> str | None:
            if d is None:
                return None
            full = dt.date.fromisoformat(d if len(d) == 10 else (d + "-01-01")[:10])
            return (full + shift).isoformat()[: len(d)]

        for r in records:
            if len(out) >= n:
                break
            out.append(
                {
                    **r,
                    "id": f"{copy:04x}{r['id'][4:]}",
                    "story": f"{r['story']}#{copy}",
                    "date": moved(r["date"]),
                    "headline": rename(r["headline"]),
                    "summary": rename(r["summary"]),
                    "actors": [{**a, "name": rename(a["name"])} for a in r["actors"]],
                    "events": [
                        {
                            **e,
                            "date": moved(e["date"]),
                            "description": rename(e["description"]),
                            "actors": [rename(x) for x in e["actors"]],
                        }
                        for e in r["events"]
                    ],
                }
            )
        copy += 1
    return out


def merge_all(records: list[dict], stories) -> tuple[float, tuple[int, int]]:
    """Time `merge_briefs` over each story's briefs (what a briefing per story does); the largest prompts it leads to."""
    from summarizer.models import GroundingReport
    from summarizer.stages.merge import merge_briefs
    from summarizer.models import Actor, Article, ArticleBrief, BriefingMeta, BriefResult, Event

    meta = BriefingMeta(
        generated_at="bench",
        model="m",
        mode="tools",
        endpoint="bench",
        prompt_hashes={},
        schema_hash="s",
        articles=0,
        briefs=0,
        items_verified=0,
        items_unverified=0,
    )
    by_id = {}
    for r in records:
        events = [
            Event(
                date=e["date"],
                precision={None: "unknown", 4: "year", 7: "month", 10: "day"}[len(e["date"]) if e["date"] else None],
                description=e["description"],
                actors=e["actors"],
                evidence=e["description"],
            )
            for e in r["events"]
        ]
        names = {a["name"] for a in r["actors"]}
        actors = [Actor(name=a["name"], name_in_source=a["name"], kind=a["kind"], role=a["role"]) for a in r["actors"]]
        actors += [
            Actor(name=n, name_in_source=n, kind="person", role="")
            for e in r["events"]
            for n in e["actors"]
            if n not in names
        ]
        brief = ArticleBrief(
            source_language=r["language"],
            headline=r["headline"],
            summary=r["summary"],
            actors=actors,
            stances=[],
            events=events,
        )
        article = Article(
            id=r["id"],
            path=f"{r['outlet']}/{r['id']}.txt",
            date=dt.date.fromisoformat(r["date"]),
            language=r["language"],
            text=r["summary"],
        )
        by_id[r["id"]] = BriefResult(
            article=article, brief=brief, grounding=GroundingReport(stances=(), events=tuple(True for _ in events))
        )
    start = time.perf_counter()
    for story in stories:
        merge_briefs([by_id[a] for a in story.article_ids], meta=meta)
    took = time.perf_counter() - start
    # A second, untimed pass for the prompt sizes (one story at a time, so memory stays per story).
    merged = (
        merge_briefs([by_id[a] for a in story.article_ids], meta=meta)
        for story in stories
        if len(story.article_ids) > 1
    )
    return took, largest_prompts(merged, by_id)


def largest_prompts(briefings, by_id) -> tuple[int, int]:
    """Characters of the largest summary and analysis prompts a briefing per story sends (messages, not the schema).

    Each story's prompts hold only its own sources, numbered 1..k. With the default model
    (gpt-4o-mini, a 128k-token window) every story here fits one summary call and one analysis
    call; a story that did not would be summarised in groups and its comparison skipped."""
    from summarizer.config.settings import Settings
    from summarizer.llm.context import input_room, prompt_tokens
    from summarizer.models import CrossSourceAnalysis
    from summarizer.stages.analysis import analysis_messages
    from summarizer.stages.synthesis import summary_messages

    room = input_room(Settings())
    summary = analysis = 0
    for b in briefings:
        if len(b.sources) < 2:
            continue  # one source: no summary or analysis call
        summaries = {s.ref: by_id[s.article_id].brief.summary for s in b.sources}
        texts = {s.ref: by_id[s.article_id].article.text for s in b.sources}
        summary = max(summary, sum(len(m["content"]) for m in summary_messages(b, summaries)))
        messages = analysis_messages(b, summaries, texts)
        if prompt_tokens(messages, CrossSourceAnalysis) <= room:
            analysis = max(analysis, sum(len(m["content"]) for m in messages))
    return summary, analysis


def one_outlet(seed: int = 13) -> float:
    """The same world told by one outlet only (every file in one folder named after it, as the README
    advises): the whole corpus from each outlet in turn, then each story alone from one outlet.
    Returns the lowest pairwise F1 of the whole-corpus runs."""
    print("\none outlet tells every story (make_story_corpus.py --outlet X, seed 13):")
    lowest = 1.0
    for outlet in sorted(OUTLETS):
        records = make_records(seed, outlet)
        stories = cluster_stories([to_doc(r) for r in records])
        clusters = {aid: s.id for s in stories for aid in s.article_ids}
        labels = {r["id"]: r["story"] for r in records}
        p, r, f = pairwise(labels, clusters)
        lowest = min(lowest, f)
        print(
            f"  {outlet:14} {len(records)} articles, {len(set(labels.values()))} stories -> {len(stories)} clusters; pairwise F1 {f:.3f} (P {p:.3f}, R {r:.3f})"
        )
    split = total = 0
    for outlet in sorted(OUTLETS):
        by_story: dict[str, list[dict]] = defaultdict(list)
        for record in make_records(seed, outlet):
            by_story[record["story"]].append(record)
        for records in by_story.values():
            total += 1
            split += len(cluster_stories([to_doc(r) for r in records])) > 1
    print(f"  each story alone from one outlet: {total - split} of {total} stories kept whole ({split} split)")
    return lowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--scale", type=int, default=10_000, help="articles in the timing run (0: skip)")
    parser.add_argument("--min-f1", type=float, default=None, help="exit 1 if pairwise F1 is below this")
    parser.add_argument(
        "--fetched",
        type=int,
        default=3,
        help="outlets whose one-outlet corpus is also fetched by brief fetch from a local feed and scored (bench/fetched_stories.py; 0: skip)",
    )
    args = parser.parse_args()
    records = load(args.corpus)
    pf = quality(records)[2]
    if args.corpus == CORPUS:
        pf = min(pf, one_outlet())
        if args.fetched:
            from fetched_stories import fetched_one_outlet

            pf = min(pf, fetched_one_outlet(args.fetched))
    if args.scale:
        big = scaled(records, args.scale)
        docs = [to_doc(r) for r in big]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        stories = cluster_stories(docs)
        took = time.perf_counter() - start
        merge_time, (summary_chars, analysis_chars) = merge_all(big, stories)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        labels = {r["id"]: r["story"] for r in big}
        clusters = {a: s.id for s in stories for a in s.article_ids}
        p, r, f = pairwise(labels, clusters)
        print(
            f"\nscale: {len(big)} articles ({len({r['story'] for r in big})} labelled stories) -> {len(stories)} clusters; pairwise F1 {f:.3f} (P {p:.3f}, R {r:.3f})"
        )
        print(f"  cluster_stories: {took:.2f} s; merge_briefs per story: {merge_time:.2f} s")
        print(f"  peak RSS of the whole process: {rss:.0f} MB (before clustering: {rss_before:.0f} MB)")
        print(
            f"  largest prompt sent (messages, chars / 4 ~ tokens): summary {summary_chars // 4:,} tokens, "
            f"cross-source analysis {analysis_chars // 4:,} tokens; each holds one story's sources only"
        )
    if args.min_f1 is not None and pf < args.min_f1:
        print(f"pairwise F1 {pf:.3f} is below --min-f1 {args.min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
