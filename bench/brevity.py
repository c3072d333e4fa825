"""How brief the default briefing is, and whether it still holds the labelled facts.

    python bench/brevity.py                  # the seeds (offline, on the recordings), then a 200-article multi-story corpus
    python bench/brevity.py --corpus 0       # the seeds only
    python bench/brevity.py --corpus 1000    # a larger folder: the default view must stay bounded

For each folder it prints, for the default view (`brief`) and for `--detail full`:
- words in (the articles' text) and words out, and their ratio;
- quotes shown, and how many of them are repeated (the same quote shown more than once);
- each section's share of the words out.
For the seeds it also prints the recall of the labelled facts (bench/labels/seeds.json, the labels
`bench/eval_analysis.py` scores): divergences and corroborations found in the default view's own
lines (a line matches a label as eval_analysis matches a finding: its cited files overlap the
label's and it holds the label's terms), and found on the HTML page within one click (in the
page's top sections or one folded section deep); holder and date labels by their quote.

The multi-story corpus is bench/corpus.py's, answered by the fake server of bench/run.py (a careful
model's briefs, every quote verbatim); its summary and comparison answers are the fake's defaults,
so its figures measure the layout and its bounds, not prose. Words are whitespace-separated
tokens of the Markdown (table pipes and citation marks included), as `wc -w` counts them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_analysis import Finding, pair

from summarizer.models import Briefing
from summarizer.models.evidence import normalize

QUOTE = re.compile(r"“([^”]+)”")
CITE = re.compile(r"(?<!\\)\[(\d+)\]")


def words(text: str) -> int:
    return len(text.split())


def sections(markdown: str) -> dict[str, int]:
    """Words per section: the header (before the first '## '), then each '## ' or '### ' section by title (summed over stories)."""
    out: Counter[str] = Counter()
    current = "(header and front page)"
    for line in markdown.splitlines():
        heading = re.match(r"^#{2,3} (.*)$", line)
        if heading:
            title = heading.group(1).strip()
            current = "(story headings and facts)" if re.match(r"\d+\. ", title) else title
        out[current] += words(line)
    return dict(out)


def quotes(markdown: str) -> tuple[int, int]:
    """(quotes shown, quotes shown more than once counted once each)."""
    found = Counter(normalize(q) for q in QUOTE.findall(markdown))
    return sum(found.values()), sum(1 for n in found.values() if n > 1)


def report_view(name: str, markdown: str, words_in: int) -> None:
    out = words(markdown)
    shown, repeated = quotes(markdown)
    print(
        f"  {name}: {out:,} words out for {words_in:,} in ({out / max(words_in, 1):.2f} per word in); {shown} quotes shown, {repeated} repeated"
    )
    for title, n in sorted(sections(markdown).items(), key=lambda kv: -kv[1]):
        print(f"      {n / max(out, 1):6.1%}  {n:6,}  {title}")


# --------------------------------------------------------------------------- recall of the labels


def _lines_as_findings(b: Briefing, markdown: str) -> list[Finding]:
    """Each bullet of the default view's sections as a finding: its cited files and its text."""
    files = {s.ref: s.file for s in b.sources}
    found = []
    section = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif line.startswith("- ") and section in ("Key developments", "Where sources disagree", "Timeline"):
            refs = {int(n) for n in CITE.findall(line)}
            found.append(Finding("line", line[:90], {files[r] for r in refs if r in files}, line.replace("\\", "")))
    return found


def _page_items(b: Briefing, html: str) -> list[Finding]:
    """Each list item or card of the HTML page at most one folded section deep, with the sources it cites."""
    from tests.html_pages import parse

    files = {s.ref: s.file for s in b.sources}
    elements = parse(html)
    cited: dict[int, set[int]] = defaultdict(set)
    for e in elements:
        ref = e.attrs.get("data-src", "")
        if e.tag == "a" and "cite" in e.attrs.get("class", "") and ref.isdigit():
            for p in e.parents:
                if p.tag in ("li", "article", "tr", "p"):
                    cited[id(p)].add(int(ref))
    found = []
    for e in elements:
        folds = sum(1 for p in e.parents if p.tag == "details" and "fold" in p.attrs.get("class", "").split())
        if (
            e.tag in ("li", "article", "tr")
            and cited[id(e)]
            and folds <= 1
            and "source" not in e.attrs.get("class", "").split()
        ):
            found.append(
                Finding(
                    "item",
                    " ".join(e.text.split())[:90],
                    {files[r] for r in cited[id(e)] if r in files},
                    " ".join(e.text.split()),
                )
            )
    return found


def recall(labels: dict, found: list[Finding]) -> dict[str, tuple[int, int, list[str]]]:
    out = {}
    for category in ("divergences", "corroborations"):
        wanted = labels.get(category, [])
        paired = pair(wanted, found)
        out[category] = (len(paired), len(wanted), [w["id"] for i, w in enumerate(wanted) if i not in paired])
    return out


def quote_recall(labels: dict, b: Briefing, html: str) -> tuple[int, int]:
    """Holder and date labels whose quote is on the page (within one click: every section is at most one fold deep)."""
    page = normalize(re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&"))
    items = labels.get("holders", []) + labels.get("dates", [])
    return sum(1 for x in items if normalize(x["quote"]) in page), len(items)


# --------------------------------------------------------------------------- runs


def seeds() -> None:
    from summarizer.config.settings import resolve_settings
    from summarizer.pipeline import build_briefing
    from summarizer.render.html import render_html
    from summarizer.render.markdown import render_markdown

    run = build_briefing(
        [ROOT / "seeds"], resolve_settings({"replay_dir": str(ROOT / "fixtures"), "use_cache": False}, env={})
    )
    b = run.briefing
    words_in = sum(words(t) for t in run.source_texts().values())
    brief, full = render_markdown(b), render_markdown(b, detail="full")
    html = render_html(b, run.source_texts())
    print(f"seeds/ ({len(b.sources)} articles, offline on the recordings)")
    report_view("brief (default)", brief, words_in)
    report_view("--detail full", full, words_in)
    labels = json.loads((ROOT / "bench" / "labels" / "seeds.json").read_text(encoding="utf-8"))
    for where, found in (("default view", _lines_as_findings(b, brief)), ("HTML, one click", _page_items(b, html))):
        for category, (hit, total, missed) in recall(labels, found).items():
            print(
                f"  recall in the {where}: {category} {hit}/{total}{' (missing: ' + ', '.join(missed) + ')' if missed else ''}"
            )
    hit, total = quote_recall(labels, b, html)
    print(f"  recall in the HTML, one click: holder and date labels {hit}/{total} (their quote is on the page)")


def corpus(n: int) -> None:
    from run import Server, run_brief, settings_for, write_corpus

    from summarizer.render.markdown import render_markdown

    server = Server((n,), 0.0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_corpus(n, Path(tmp) / "articles")
            words_in = sum(words(p.read_text(encoding="utf-8").split("\n", 1)[-1]) for p in folder.glob("*.txt"))
            run, _ = run_brief(folder, settings_for(server.base_url, Path(tmp) / "cache", 16))
    finally:
        server.close()
    b = run.briefing
    print(
        f"multi-story corpus: {len(b.sources)} articles in {len(b.stories)} stories (bench/corpus.py, fake server's answers)"
    )
    report_view("brief (default)", render_markdown(b), words_in)
    report_view("--detail full", render_markdown(b, detail="full"), words_in)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=int, default=200, help="Articles in the multi-story corpus (0: skip it).")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f}")
    seeds()
    if args.corpus:
        corpus(args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
