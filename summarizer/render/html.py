"""Briefing or Digest -> one self-contained HTML page where every citation opens its evidence.

The page is rendered from the same models as the Markdown and JSON, with the Jinja2 templates in
`templates/` (autoescape on: article and model text can never become markup). The original
article texts are not part of the models (the JSON contract stays as it is); the caller passes
them as a separate mapping {source number: text}, the text the quotes were checked against.

Every quote is located in its source text (`models.evidence.locate_quote`); the source texts are
rendered as escaped text split at quote boundaries, each piece tagged with the quotes it belongs
to. Clicking a citation [n] opens source n in a side panel and highlights the cited quote.

Self-contained and safe: CSS and JS are inlined, and a Content-Security-Policy meta tag allows
only that style and that script (by their SHA-256 hashes), and no network load at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .money import format_usd
from ..models import Briefing, BriefingMeta, Quote, Source
from ..models.attribution import date_label
from ..models.evidence import locate_quote
from . import labels, layers
from .sections import endpoint_label, own_voices, plural, quote_counts, requests_label

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from ..models import Digest

__all__ = ["render_html", "render_digest_html", "render_index_html", "TEMPLATES_DIR", "content_security_policy"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_NOT_INCLUDED = ("rejected", "failed")
_NOTE_TITLES = {
    "failed": "Failed",
    "rejected": "Rejected",
    "degraded": "Degraded (in the briefing, not verified)",
    "unverified": "Unverified (left out)",
    "duplicate": "Duplicates",
    "undated": "Undated",
    "info": "Other",
}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every {{ }} is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["plural"] = plural
    env.globals["verification"] = labels.verification
    return env


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """The page's own CSS and JS, read from the templates folder."""
    return (TEMPLATES_DIR / "brief.css").read_text(encoding="utf-8"), (TEMPLATES_DIR / "brief.js").read_text(
        encoding="utf-8"
    )


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(css: str, js: str) -> str:
    """No network load of any kind; only this exact inline style and script run."""
    return (
        "default-src 'none'; "
        f"style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


class Evidence:
    """The quotes of a page located in their source texts.

    `key(quote)` names a located quote (for a citation's data-q); `segments(ref)` splits source
    `ref`'s text at quote boundaries into (text, keys) pieces, `keys` naming the quotes a piece
    belongs to (overlapping quotes share pieces).
    """

    def __init__(self, texts: Mapping[int, str], quotes: Iterable[Quote]) -> None:
        self.texts = dict(texts)
        self._where: dict[tuple[int, str], tuple[int, int] | None] = {}
        self._spans: dict[int, set[tuple[int, int]]] = {}
        for q in sorted(quotes, key=lambda q: q.source):  # one source's quotes together: its text is prepared once
            span = self._locate(q)
            if span is not None:
                self._spans.setdefault(q.source, set()).add(span)

    def _locate(self, q: Quote) -> tuple[int, int] | None:
        k = (q.source, q.text)
        if k not in self._where:
            text = self.texts.get(q.source)
            self._where[k] = locate_quote(q.text, text) if text is not None else None
        return self._where[k]

    def key(self, q: Quote | None) -> str:
        """'q3-120-185' for a quote found in source 3 at [120, 185); '' when not found or no text."""
        span = self._locate(q) if q is not None else None
        return f"q{q.source}-{span[0]}-{span[1]}" if q is not None and span else ""

    def has_text(self, ref: int) -> bool:
        return ref in self.texts

    def segments(self, ref: int) -> list[tuple[str, str]]:
        text = self.texts.get(ref, "")
        spans = sorted(self._spans.get(ref, ()))
        cuts = sorted({0, len(text), *(i for span in spans for i in span)})
        out: list[tuple[str, str]] = []
        for a, b in zip(cuts, cuts[1:]):
            keys = " ".join(f"q{ref}-{s}-{e}" for s, e in spans if s <= a and b <= e)
            out.append((text[a:b], keys))
        return out


def _quotes(value: Any) -> Iterable[Quote]:
    """Every Quote in a model, however deep (stories included, whatever their shape)."""
    if isinstance(value, Quote):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _quotes(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _quotes(item)


def _span(sources: Sequence[Source]) -> str:
    dates = sorted(s.date.isoformat() for s in sources if s.date)
    if not dates:
        return "undated"
    return f"{dates[0]} to {dates[-1]}" if dates[0] != dates[-1] else dates[0]


def _facts(m: BriefingMeta) -> list[str]:
    """The header line's facts: when, which model where, requests, tokens and cost, hashes."""
    tokens = m.usage.get("total_tokens", 0)
    spend = requests_label(m.llm_requests, m.replayed, m.cache_hits, m.resent, m.reasks)
    if m.batch_requests:
        spend += f", {m.batch_requests} via the Batch API"
    if tokens:
        spend += f" · {tokens:,} tokens"
    if m.cost_usd is not None:
        spend += f" ≈ {format_usd(m.cost_usd)} (estimate)"
    return [
        f"Generated {m.generated_at}",
        f"model {m.model} via {endpoint_label(m)}",
        spend,
        "prompts " + ", ".join(f"{k} {v}" for k, v in sorted(m.prompt_hashes.items())),
        f"schema {m.schema_version} ({m.schema_hash})",
    ]


def _quote_for(items: Sequence[Any], ref: int) -> Quote | None:
    """The quote of the first item (account, side) from source `ref`."""
    return next((i.quote for i in items if i.source == ref), None)


def _stance_actors(cells: Sequence[Any]) -> list[str]:
    """The actors of the source x actor table, most sources first (then by name), as the Markdown orders them."""
    reach: dict[str, set[int]] = {}
    for cell in cells:
        reach.setdefault(cell.actor, set()).add(cell.source)
    return sorted(reach, key=lambda a: (-len(reach[a]), a))


def _sources_of(part: Any, by_ref: Mapping[int, Source]) -> list[Source]:
    """A part's sources as Source objects, whether it lists them (a briefing) or cites their numbers (a story)."""
    return [s if isinstance(s, Source) else by_ref[s] for s in part.sources if isinstance(s, Source) or s in by_ref]


def _layered(part: Any, sources: Sequence[Source]) -> Any:
    """The default layers of a briefing or story (`render.layers`), for the page's top sections."""
    from types import SimpleNamespace

    published = {s.ref: s.date for s in sources}
    refs = {r if isinstance(r, int) else r.ref for r in part.sources}
    own = [s for s in sources if s.ref in refs]
    return SimpleNamespace(
        bottom=layers.bottom_line(part),
        key=layers.key_developments(part, published),
        disagreements=layers.disagreements(part),
        outlets=layers.outlet_frames(part, own),
        order=layers.chronological(part.timeline, published),
    )


def _render(template: str, page: Briefing | Digest, texts: Mapping[int, str], **context: Any) -> str:
    from markupsafe import Markup

    css, js = _assets()
    evidence = Evidence(texts, _quotes(page))
    sources: Sequence[Source] = page.sources
    by_ref = {s.ref: s for s in sources}
    return (
        _env()
        .get_template(template)
        .render(
            page=page,
            csp=content_security_policy(css, js),
            css=Markup(css),
            js=Markup(js),
            evidence=evidence,
            src=by_ref,
            quote_for=_quote_for,
            stance_actors=_stance_actors,
            sources_of=lambda part: _sources_of(part, by_ref),
            layered=lambda part: _layered(part, sources),
            published={s.ref: s.date for s in sources},
            own=own_voices(sources),
            date_label=date_label,
            when=labels.when,
            voice=labels.voice,
            holder=labels.holder,
            side_when=labels.side_when,
            divergence_how=labels.divergence_how,
            side_mark=labels.side_mark,
            note_titles=_NOTE_TITLES,
            span=_span(sources),
            **context,
        )
    )


def _story_views(b: Briefing | Digest, at_least: int = 2) -> list[Any]:
    """The stories of a briefing of several (one story reads as a plain briefing), their sources as Source objects.

    A digest shows every story (`at_least=1`), each with its own sections.
    """
    if len(b.stories) < at_least:
        return []
    from types import SimpleNamespace

    return [SimpleNamespace(**{**dict(story), "sources": [b.source(r) for r in story.sources]}) for story in b.stories]


def render_html(b: Briefing, texts: Mapping[int, str] | None = None) -> str:
    """The briefing as one self-contained HTML page.

    `texts` maps source numbers to the article text the quotes were checked against (a run's
    `BriefingRun.source_texts()`); without it the page still opens each source's details but
    cannot show the original text.
    """
    return _render(
        "briefing.html",
        b,
        texts or {},
        title=f"Briefing: {plural(len(b.sources), 'source')}, {_span(b.sources)}",
        facts=_facts(b.meta),
        verified=quote_counts(b),
        left_out=b.meta.items_unverified,
        warning=b.meta.quality_warning,
        stories=_story_views(b),
        not_included=[n for n in b.notes if n.kind in _NOT_INCLUDED],
        notes=[n for n in b.notes if n.kind not in _NOT_INCLUDED],
    )


def render_digest_html(d: Digest, texts: Mapping[int, str] | None = None) -> str:
    """One day's digest as one self-contained HTML page (see `render_html`)."""
    m = d.meta
    nothing = f"{plural(m.articles, 'article')}, none briefed" if m.articles else "no articles"
    title = f"Digest {m.date}: {plural(len(d.sources), 'source')}" if d.sources else f"Digest {m.date}: {nothing}"
    facts = [f"Articles published {m.date}", f"generated {m.generated_at}"]
    if d.sources:
        facts += [
            f"model {m.model} via {endpoint_label(m)}",
            f"prompt brief {m.prompt_hash}",
            f"schema {m.schema_hash}",
        ]
    facts.append(f"digest {m.digest_version}")
    return _render(
        "digest.html",
        d,
        texts or {},
        title=title,
        facts=facts,
        verified=(m.items_verified, m.items_verified + m.items_unverified),
        stories=_story_views(d, at_least=1),
        new_index={e.timeline_index for e in d.new_events},
        earlier={e.timeline_index: e.first_reported for e in d.earlier_events},
        notes=list(d.notes),
    )


def render_index_html(digests: Sequence[Digest], pages: Mapping[dt.date, str]) -> str:
    """`index.html`: one entry per digest (newest first as given), linked to its page in `pages` (date -> file name)."""
    css, js = _assets()
    from markupsafe import Markup

    return (
        _env()
        .get_template("index.html")
        .render(
            digests=digests,
            pages=pages,
            csp=content_security_policy(css, js),
            css=Markup(css),
            js=Markup(js),
            title="Daily digests",
        )
    )
