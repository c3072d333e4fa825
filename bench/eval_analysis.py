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
  are checked too.
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
        found.append(Finding("divergence", d.topic, {files[r] for r in d.sources}, text, d.kind, {files[r] for r in d.latest}))
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
                row["latest_ok"] = "latest" not in label or {_name(x) for x in label["latest"]} == {_name(x) for x in f.latest or set()}
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


def print_report(report: dict[str, dict]) -> None:
    for category, r in report.items():
        print(f"{category}: recall {r['recall']:.2f} ({r['matched']}/{r['labels']}), precision {r['precision']:.2f} ({r['matched']}/{r['found']})")
        for row in r["rows"]:
            mark = "ok  " if row["found"] else "MISS"
            extra = ""
            if "kind_ok" in row:
                extra = f"  [kind {'ok' if row['kind_ok'] else 'WRONG'}, latest {'ok' if row['latest_ok'] else 'WRONG'}]"
            print(f"  {mark} {row['id']}: {row['found'] or '-'}{extra}")
        for title in r["unmatched_findings"]:
            print(f"  EXTRA {title}")


def build(paths: list[Path]) -> Briefing:
    from summarizer.config.settings import resolve_settings
    from summarizer.pipeline import build_briefing

    return build_briefing(paths, resolve_settings({"use_cache": False})).briefing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="Folder of articles (e.g. seeds/).")
    parser.add_argument("labels", type=Path, help="Hand-labelled JSON (e.g. bench/labels/seeds.json).")
    parser.add_argument("--briefing", type=Path, help="Score this saved briefing JSON (brief --json) instead of running brief.")
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    parser.add_argument("--min-recall", type=float, default=0.0, help="Exit 1 if any category's recall is below this.")
    parser.add_argument("--min-precision", type=float, default=0.0, help="Exit 1 if any category's precision is below this.")
    args = parser.parse_args(argv)
    try:
        labels = json.loads(args.labels.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read labels {args.labels}: {exc}")
    if args.briefing:
        briefing = Briefing.model_validate_json(args.briefing.read_text(encoding="utf-8"))
    else:
        briefing = build([args.path])
    report = score(briefing, labels)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    low = [c for c, r in report.items() if r["recall"] < args.min_recall or r["precision"] < args.min_precision]
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
