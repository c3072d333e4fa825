"""Recall and precision of the briefing's cross-source analysis against hand labels.

    python bench/eval_analysis.py seeds/ bench/labels/seeds.json
    python bench/eval_analysis.py seeds/ bench/labels/seeds.json --briefing briefing.json   # score a saved --json output

Runs `brief` on the folder the way the CLI would (with no endpoint configured: offline, on the
recordings in fixtures/), then matches what the briefing found against the labels:
- a found divergence or corroboration matches a label when their cited source files overlap in
  at least two files with a Jaccard index of at least 0.5, and every key term of the label occurs
  in what the briefing says about it (topic/description, claims, accounts; '|' separates
  alternatives). Labels and findings are paired one to one (maximum matching).
- recall = matched labels / labels; precision = matched findings / findings.
- for matched divergences, the kind (change over time vs contradiction) and the latest source
  are checked too; a divergence matching a 'not_divergences' label (a dispute between parties
  that the sources report alike) is flagged.
- holders: each stance or framing row whose file matches a label and whose quote contains the
  label's quote is checked for its holder ('source' = the outlet's own view) and voice;
  precision = rows right / rows labelled.
- dates: each timeline account and divergence side matched the same way is checked for the date
  of what it reports and its basis (stated, inferred; none = undated, dated by its publication);
  precision = items right / items labelled.
Exit code 0, or 1 with --min-recall / --min-precision when a score falls below it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.models import Briefing
from summarizer.models.evidence import normalize

MIN_OVERLAP, MIN_JACCARD = 2, 0.5


@dataclass
class Finding:
    """Something the briefing found, reduced to what the labels can be compared with."""

    kind: str  # "divergence" | "corroboration"
    title: str
    files: set[str]
    text: str
    divergence_kind: str | None = None
    latest: set[str] | None = None


def findings(b: Briefing) -> list[Finding]:
    files = {s.ref: s.file for s in b.sources}
    found = []
    for d in b.divergences:
        text = " ".join([d.topic, *(s.claim for s in d.sides)])
        found.append(
            Finding("divergence", d.topic, {files[r] for r in d.sources}, text, d.kind, {files[r] for r in d.latest})
        )
    for c in b.corroborated:
        text = " ".join([c.description, *(a.description for a in c.accounts)])
        found.append(Finding("corroboration", c.description, {files[r] for r in c.sources}, text))
    return found


def _name(path: str) -> str:
    return Path(path).name


def matches(label: dict, finding: Finding) -> bool:
    want = {_name(f) for f in label["sources"]}
    got = {_name(f) for f in finding.files}
    overlap = len(want & got)
    if overlap < min(MIN_OVERLAP, len(want)) or overlap / len(want | got) < MIN_JACCARD:
        return False
    text = finding.text.casefold()
    return all(any(alt.strip().casefold() in text for alt in term.split("|")) for term in label.get("terms", []))


def pair(labels: list[dict], found: list[Finding]) -> dict[int, int]:
    """Maximum one-to-one matching, label index -> finding index (Kuhn's augmenting paths)."""
    edges = [[j for j, f in enumerate(found) if matches(label, f)] for label in labels]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(labels)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def score(b: Briefing, labels: dict) -> dict[str, dict]:
    """Per category: recall, precision, and which labels and findings matched."""
    report = {}
    all_found = findings(b)
    for category, kind in (("divergences", "divergence"), ("corroborations", "corroboration")):
        wanted = labels.get(category, [])
        found = [f for f in all_found if f.kind == kind]
        paired = pair(wanted, found)
        rows = []
        for i, label in enumerate(wanted):
            f = found[paired[i]] if i in paired else None
            row = {"id": label["id"], "found": f.title if f else None}
            if f is not None and kind == "divergence":
                row["kind_ok"] = label.get("kind") in (None, f.divergence_kind)
                row["latest_ok"] = "latest" not in label or {_name(x) for x in label["latest"]} == {
                    _name(x) for x in f.latest or set()
                }
            rows.append(row)
        unmatched = [f.title for j, f in enumerate(found) if j not in paired.values()]
        report[category] = {
            "labels": len(wanted),
            "found": len(found),
            "matched": len(paired),
            "recall": len(paired) / len(wanted) if wanted else 1.0,
            "precision": len(paired) / len(found) if found else 1.0,
            "rows": rows,
            "unmatched_findings": unmatched,
        }
    return report


def _covers(label: dict, file: str, quote: str) -> bool:
    return _name(label["source"]) == _name(file) and normalize(label["quote"]) in normalize(quote)


def _one_of(want: str | None, got: str | None) -> bool:
    return want is None or any(alt.strip().casefold() == (got or "").casefold() for alt in want.split("|"))


def score_holders(b: Briefing, labels: list[dict]) -> dict:
    """Stances and framing rows covered by a holder label: is the holder (and the voice) right?"""
    files = {s.ref: s.file for s in b.sources}
    own = {s.ref: s.outlet or _name(s.file) for s in b.sources}
    items = [("stance", r.source, r.quote.text, r.holder, r.voice) for r in b.stances]
    items += [("framing", f.source, f.quote.text, None, f.voice) for f in b.framing]
    rows, hit = [], set()
    for i, label in enumerate(labels):
        for what, ref, quote, holder, voice in items:
            if not _covers(label, files[ref], quote):
                continue
            hit.add(i)
            got = "source" if what == "stance" and voice == "source" and holder == own[ref] else holder
            ok = (what == "framing" or "holder" not in label or _one_of(label["holder"], got)) and _one_of(
                label.get("voice"), voice
            )
            rows.append({"quote": label["quote"], "what": what, "holder": got, "voice": voice, "ok": ok})
    right = sum(r["ok"] for r in rows)
    return {
        "labels": len(labels),
        "covered": len(hit),
        "checked": len(rows),
        "right": right,
        "precision": right / len(rows) if rows else 1.0,
        "rows": rows,
    }


def score_dates(b: Briefing, labels: list[dict]) -> dict:
    """Timeline accounts and divergence sides covered by a date label: is the reported date (and its basis) right?"""
    files = {s.ref: s.file for s in b.sources}
    items = [("event", a.source, a.quote.text, a.date, a.date_basis) for e in b.timeline for a in e.accounts]
    items += [("divergence side", s.source, s.quote.text, s.date, s.date_basis) for d in b.divergences for s in d.sides]
    rows, hit = [], set()
    for i, label in enumerate(labels):
        for what, ref, quote, date, basis in items:
            if not _covers(label, files[ref], quote):
                continue
            hit.add(i)
            if basis == "publication":
                date, basis = None, None
            ok = date == label["date"] and (label["date"] is None or basis == label.get("basis", basis))
            rows.append(
                {"quote": label["quote"], "what": what, "date": date, "basis": basis, "want": label["date"], "ok": ok}
            )
    right = sum(r["ok"] for r in rows)
    return {
        "labels": len(labels),
        "covered": len(hit),
        "checked": len(rows),
        "right": right,
        "precision": right / len(rows) if rows else 1.0,
        "rows": rows,
    }


def score_all(b: Briefing, labels: dict) -> dict[str, dict]:
    """`score` plus holders and dates, and divergences that are disputes the sources report alike."""
    report = score(b, labels)
    disputes = [
        f
        for f in findings(b)
        if f.kind == "divergence" and any(matches(label, f) for label in labels.get("not_divergences", []))
    ]
    report["divergences"]["disputes_shown"] = [f.title for f in disputes]
    report["holders"] = score_holders(b, labels.get("holders", []))
    report["dates"] = score_dates(b, labels.get("dates", []))
    return report


def print_report(report: dict[str, dict]) -> None:
    for category in ("divergences", "corroborations"):
        r = report[category]
        print(
            f"{category}: recall {r['recall']:.2f} ({r['matched']}/{r['labels']}), precision {r['precision']:.2f} ({r['matched']}/{r['found']})"
        )
        for row in r["rows"]:
            mark = "ok  " if row["found"] else "MISS"
            extra = ""
            if "kind_ok" in row:
                extra = (
                    f"  [kind {'ok' if row['kind_ok'] else 'WRONG'}, latest {'ok' if row['latest_ok'] else 'WRONG'}]"
                )
            print(f"  {mark} {row['id']}: {row['found'] or '-'}{extra}")
        for title in r["unmatched_findings"]:
            print(f"  EXTRA {title}")
        for title in r.get("disputes_shown", []):
            print(f"  DISPUTE (the sources report it alike; not a divergence) {title}")
    for category, what in (("holders", "holder"), ("dates", "date")):
        r = report.get(category)
        if r is None:
            continue
        print(
            f"{category}: precision {r['precision']:.2f} ({r['right']}/{r['checked']} labelled items right), {r['covered']}/{r['labels']} labels found"
        )
        for row in r["rows"]:
            if not row["ok"]:
                got = (
                    f"{row['holder']} ({row['voice']})"
                    if category == "holders"
                    else f"{row['date'] or 'undated'} ({row['basis'] or 'no date of its own'}), want {row['want'] or 'undated'}"
                )
                print(f"  WRONG {what} of {row['what']} “{row['quote']}”: {got}")


def build(paths: list[Path]) -> Briefing:
    from summarizer.config.settings import resolve_settings
    from summarizer.pipeline import build_briefing

    return build_briefing(paths, resolve_settings({"use_cache": False})).briefing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="Folder of articles (e.g. seeds/).")
    parser.add_argument("labels", type=Path, help="Hand-labelled JSON (e.g. bench/labels/seeds.json).")
    parser.add_argument(
        "--briefing", type=Path, help="Score this saved briefing JSON (brief --json) instead of running brief."
    )
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    parser.add_argument(
        "--min-recall",
        type=float,
        default=0.0,
        help="Exit 1 if the recall of divergences or corroborations is below this.",
    )
    parser.add_argument(
        "--min-precision",
        type=float,
        default=0.0,
        help="Exit 1 if any category's precision (holders and dates included) is below this.",
    )
    args = parser.parse_args(argv)
    try:
        labels = json.loads(args.labels.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read labels {args.labels}: {exc}")
    if args.briefing:
        briefing = Briefing.model_validate_json(args.briefing.read_text(encoding="utf-8"))
    else:
        briefing = build([args.path])
    report = score_all(briefing, labels)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    low = [
        c for c, r in report.items() if r.get("recall", 1.0) < args.min_recall or r["precision"] < args.min_precision
    ]
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
