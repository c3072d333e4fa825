"""Helpers for the HTML page tests: build the seeds' page and a hostile one, and read a page's elements."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from summarizer import pipeline
from summarizer.config.settings import resolve_settings
from summarizer.models import Briefing, Quote, StanceRow
from summarizer.render.html import render_html

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# Hostile text in every place article or model text reaches the page. Each script, if it ever
# ran, would set window.__pwned; the template syntax would print 49 if it were evaluated.
HOSTILE_SCRIPT = "<script>window.__pwned = 'article text'</script>"
HOSTILE_ARTICLE_TAIL = (
    f"\n\nHostile paragraph: {HOSTILE_SCRIPT} </textarea></pre></template></script>"
    "<script>window.__pwned = 'after a closing tag'</script> {{ 7*7 }} {% raw %} ${7*7} <!-- comment"
)
HOSTILE_QUOTE = f"Hostile paragraph: {HOSTILE_SCRIPT} </textarea>"


def seeds_run() -> pipeline.BriefingRun:
    """The seeds, answered by the bundled recordings (the caller isolates env and cache)."""
    return pipeline.build_briefing([SEEDS], resolve_settings({}))


def hostile_briefing(run: pipeline.BriefingRun) -> tuple[Briefing, dict[int, str]]:
    """The seeds' briefing and texts with hostile text in a headline, a file name, the summary, a
    stance (its gist, and a quote that is found in the article, so it is highlighted) and source 1's text."""
    b = run.briefing
    texts = run.source_texts()
    texts[1] = texts[1] + HOSTILE_ARTICLE_TAIL
    sources = list(b.sources)
    sources[0] = sources[0].model_copy(
        update={
            "headline": "<script>window.__pwned = 'headline'</script></textarea>{{ 7*7 }}",
            "file": '"><script>window.__pwned = "file"</script><a href="javascript:window.__pwned=1">x</a>.txt',
        }
    )
    summary = list(b.summary)
    summary[0] = summary[0].model_copy(
        update={"text": "<img src=x onerror=\"window.__pwned = 'summary'\"> {{ 7*7 }} " + summary[0].text}
    )
    hostile = StanceRow(
        holder="<b>Mallory</b>",
        target="</textarea><script>window.__pwned = 'target'</script>",
        position="hostile",
        gist="<a href=\"javascript:window.__pwned = 'gist'\">click</a>",
        source=1,
        quote=Quote(source=1, text=HOSTILE_QUOTE, verified=True),
    )
    return b.model_copy(update={"sources": sources, "summary": summary, "stances": [hostile, *b.stances]}), texts


def write_page(path: Path, b: Briefing, texts: dict[int, str]) -> Path:
    path.write_text(render_html(b, texts), encoding="utf-8")
    return path


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: list[Element] = field(default_factory=list, repr=False)

    @property
    def ancestors(self) -> list[str]:
        return [e.tag for e in self.parents]

    def within(self, id_: str) -> bool:
        """True when an ancestor has this id."""
        return any(e.attrs.get("id") == id_ for e in self.parents)


class PageParser(HTMLParser):
    """Every element of a page with its attributes, direct text, and the tags of its ancestors."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr", "area", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._stack: list[Element] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        el = Element(tag, {k: v or "" for k, v in attrs}, parents=list(self._stack))
        self.elements.append(el)
        if tag not in self.VOID:
            self._stack.append(el)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        for el in self._stack:
            el.text += data


def parse(html: str) -> list[Element]:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.elements
