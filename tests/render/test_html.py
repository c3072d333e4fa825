"""The HTML briefing, read as a file: one self-contained page, safe by construction, where every
citation leads to its source and every quote is marked in the source's original text.

What the page does in a browser (click, highlight, no network, no injected script) is in
test_html_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models import Briefing, Quote
from summarizer.models.evidence import locate_quote, normalize, quote_in_source
from summarizer.render.html import TEMPLATES_DIR, render_html
from tests.html_pages import HOSTILE_QUOTE, SEEDS, hostile_briefing, parse, seeds_run


@pytest.fixture(scope="module")
def seeds_cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`brief seeds/ --html page.html --json page.json -o page.md`, offline on the recordings."""
    out = tmp_path_factory.mktemp("html")
    paths = {ext: out / f"page.{ext}" for ext in ("html", "json", "md")}
    result = CliRunner().invoke(
        app, [str(SEEDS), "--html", str(paths["html"]), "--json", str(paths["json"]), "-o", str(paths["md"])]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {paths['md']}, {paths['json']}, {paths['html']}." in result.output
    return paths


@pytest.fixture(scope="module")
def page(seeds_cli) -> str:
    return seeds_cli["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def briefing(seeds_cli) -> Briefing:
    return Briefing.model_validate_json(seeds_cli["json"].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def elements(page: str):
    return parse(page)


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _quotes(b: Briefing) -> list[Quote]:
    found = (
        [a.quote for e in b.timeline for a in e.accounts] + [s.quote for s in b.stances] + [f.quote for f in b.framing]
    )
    found += [side.quote for d in b.divergences for side in d.sides] + [
        a.quote for c in b.corroborated for a in c.accounts
    ]
    return found


# --------------------------------------------------------------------------- self-contained and safe


def test_the_page_is_one_file_with_inline_style_and_script_and_nothing_loaded_from_anywhere(page: str, elements):
    scripts = [e for e in elements if e.tag == "script"]
    assert len(scripts) == 1 and "src" not in scripts[0].attrs
    assert [e.tag for e in elements if e.tag in ("style", "link") and e.attrs.get("rel") != "icon"] == ["style"]
    for e in elements:
        for name in ("src", "href", "action", "srcset", "data", "poster", "formaction"):
            value = e.attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), f"<{e.tag} {name}={value!r}> would leave the page"
    assert not re.search(r"(?i)url\(|@import|https?://(?!www\.w3\.org)", page.split("<body")[0]), (
        "the CSS loads something"
    )


def test_a_content_security_policy_allows_only_the_pages_own_style_and_script(page: str, elements):
    (meta,) = [
        e for e in elements if e.tag == "meta" and e.attrs.get("http-equiv", "").lower() == "content-security-policy"
    ]
    policy = dict(part.strip().split(" ", 1) for part in meta.attrs["content"].split(";"))
    assert policy["default-src"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert policy["style-src"] == f"'{_sha(style)}'"
    assert policy["script-src"] == f"'{_sha(script)}'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'none'"
    assert "unsafe" not in meta.attrs["content"]
    # The policy comes before anything it governs.
    assert page.index("Content-Security-Policy") < page.index("<style>") < page.index("<script>")


def test_the_page_has_no_inline_event_handlers_or_javascript_links(page: str, elements):
    for e in elements:
        assert not [a for a in e.attrs if a.startswith("on")], e
        assert "style" not in e.attrs  # the CSP would block it
        for value in e.attrs.values():
            assert not value.strip().lower().startswith(("javascript:", "vbscript:")), e


def test_the_page_is_made_for_phones_and_for_print(page: str):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    css = (TEMPLATES_DIR / "brief.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media (max-width" in css


def test_hostile_text_renders_as_text_and_never_as_markup_or_template(isolated_env, tmp_path: Path):
    b, texts = hostile_briefing(seeds_run())
    html = render_html(b, texts)
    elements = parse(html)
    assert len([e for e in elements if e.tag == "script"]) == 1, "article or model text opened a <script>"
    assert not [
        e
        for e in elements
        if e.tag in ("img", "textarea", "template", "pre", "b")
        or (e.tag == "a" and "javascript" in e.attrs.get("href", ""))
    ]
    assert "window.__pwned" not in re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert "&lt;script&gt;window.__pwned = &#39;headline&#39;&lt;/script&gt;&lt;/textarea&gt;{{ 7*7 }}" in html
    assert (
        "&lt;/pre&gt;&lt;/template&gt;&lt;/script&gt;&lt;script&gt;window.__pwned = &#39;after a closing tag&#39;"
        in html
    )
    assert "{{ 7*7 }}" in html and "{% raw %}" in html and ">49<" not in html
    # The hostile quote is still located and highlighted, as text.
    key = next(
        e.attrs["data-q"]
        for e in elements
        if e.tag == "a" and e.attrs.get("data-q", "").startswith("q1-") and e.within("stance-1")
    )
    (span,) = [e for e in elements if e.tag == "span" and key in e.attrs.get("data-q", "").split()]
    assert normalize(span.text) == normalize(HOSTILE_QUOTE)


# --------------------------------------------------------------------------- evidence one click away


def test_every_citation_links_to_a_source_on_the_page(page: str, elements, briefing: Briefing):
    refs = {s.ref for s in briefing.sources}
    cites = [e for e in elements if e.tag == "a" and "cite" in e.attrs.get("class", "").split()]
    assert len(cites) > 100
    for c in cites:
        assert c.attrs["href"] == f"#src-{c.attrs['data-src']}" and int(c.attrs["data-src"]) in refs
    ids = {e.attrs.get("id") for e in elements}
    assert {f"src-{r}" for r in refs} <= ids


def test_every_source_shows_file_date_language_headline_and_its_original_text(
    elements, briefing: Briefing, isolated_env
):
    texts = seeds_run().source_texts()
    for s in briefing.sources:
        (item,) = [e for e in elements if e.attrs.get("id") == f"src-{s.ref}"]
        for fact in (s.file, str(s.date), s.language, s.headline):
            assert fact in item.text
        (text,) = [
            e
            for e in elements
            if e.tag == "div" and "source-text" in e.attrs.get("class", "") and e.within(f"src-{s.ref}")
        ]
        assert text.text == texts[s.ref] and text.attrs["lang"] == s.language


def test_every_quote_is_marked_where_it_stands_in_its_source_and_its_citations_point_there(
    elements, briefing: Briefing
):
    spans: dict[str, str] = {}
    for e in elements:
        if e.tag == "span" and "q" in e.attrs.get("class", "").split():
            for key in e.attrs["data-q"].split():
                spans[key] = spans.get(key, "") + e.text
    cited = {e.attrs["data-q"] for e in elements if e.tag == "a" and e.attrs.get("data-q")}
    assert cited == set(spans), "a citation points at no marked passage, or a passage is marked for no citation"
    quotes = _quotes(briefing)
    assert len(quotes) > 100
    for q in quotes:
        matching = [
            k
            for k in spans
            if k.startswith(f"q{q.source}-")
            and quote_in_source(q.text, spans[k])
            and len(normalize(spans[k])) <= len(normalize(q.text)) + 2
        ]
        assert matching, f"quote of source {q.source} not marked: {q.text[:60]!r}"


def test_quotes_under_statements_are_folded_by_default(elements):
    quotes = [e for e in elements if e.tag == "blockquote"]
    assert len(quotes) > 100
    assert all("details" in q.ancestors for q in quotes)
    assert not [e for e in elements if e.tag == "details" and "open" in e.attrs]


def test_unverified_quotes_are_marked_and_never_styled_as_verified(briefing: Briefing):
    stance = briefing.stances[0]
    bad = stance.model_copy(update={"quote": stance.quote.model_copy(update={"verified": False})})
    html = render_html(briefing.model_copy(update={"stances": [bad]}))
    (item,) = [e for e in parse(html) if e.attrs.get("id") == "stance-1"]
    assert "unverified" in item.text and "verified" not in item.text.replace("unverified", "")
    elements = parse(html)
    (quote,) = [e for e in elements if e.tag == "blockquote" and e.within("stance-1")]
    assert quote.attrs["class"].split() == ["quote", "unverified"]
    good = [e for e in elements if e.tag == "blockquote" and e is not quote]
    assert good and all("unverified" not in e.attrs["class"] for e in good)


def test_sections_sources_and_entries_have_anchors_listed_in_the_navigation(elements, briefing: Briefing):
    nav = [e.attrs["href"] for e in elements if e.tag == "a" and "nav" in e.ancestors]
    assert nav == [
        "#bottom-line",
        "#key-developments",
        "#disagreements",
        "#outlets",
        "#timeline",
        "#sources",
        "#evidence",
        "#notes",
    ]
    ids = [e.attrs["id"] for e in elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate anchors"
    assert {h[1:] for h in nav} <= set(ids)
    assert {f"event-{i}" for i in range(1, len(briefing.timeline) + 1)} <= set(ids)
    assert {f"stance-{i}" for i in range(1, len(briefing.stances) + 1)} <= set(ids)


def test_the_page_opens_with_the_brief_and_folds_the_evidence_one_click_away(elements, briefing: Briefing):
    headings = [e.text.lstrip("#").strip() for e in elements if e.tag == "h2" and "details" not in e.ancestors]
    assert [h.split(" ")[0] for h in headings[:5]] == ["Bottom", "Key", "Where", "How", "Timeline"]
    folds = [e for e in elements if e.tag == "details" and "fold" in e.attrs.get("class", "").split()]
    assert [f.attrs["id"] for f in folds] == [
        "summary-fold",
        "divergences-fold",
        "framing-fold",
        "corroborated-fold",
        "stances-fold",
        "actors-fold",
    ]
    assert not [f for f in folds if "open" in f.attrs]
    # each evidence section sits in its fold: one click opens it
    for section in ("summary", "divergences", "framing", "corroborated", "stances", "actors"):
        (heading,) = [e for e in elements if e.tag == "h2" and e.attrs.get("id") == section]
        assert heading.within(f"{section}-fold")
    # the brief's layers are not folded, and every timeline entry is on the page
    for section in ("bottom-line", "key-developments", "disagreements", "outlets", "timeline"):
        (heading,) = [e for e in elements if e.attrs.get("id") == section]
        assert "details" not in heading.ancestors
    assert len([e for e in elements if e.tag == "li" and e.attrs.get("id", "").startswith("event-")]) == len(
        briefing.timeline
    )
    (bottom,) = [e for e in elements if e.attrs.get("id") == "bottom-line-text"]
    assert "Aliyev" in bottom.text and len(bottom.text.split()) <= 64


def test_the_json_contract_is_unchanged_by_the_html_page(seeds_cli, isolated_env):
    data = json.loads(seeds_cli["json"].read_text(encoding="utf-8"))
    assert set(data) == set(Briefing.model_fields)
    longest = max(seeds_run().source_texts().values(), key=len)
    assert longest[-200:] not in seeds_cli["json"].read_text(encoding="utf-8")


def test_without_the_texts_the_page_still_opens_each_sources_details(briefing: Briefing):
    elements = parse(render_html(briefing))
    assert [e for e in elements if "missing" in e.attrs.get("class", "")]
    assert not [e for e in elements if e.tag == "a" and e.attrs.get("data-q")]


# --------------------------------------------------------------------------- locating quotes


@pytest.mark.parametrize(
    ("quote", "source", "found"),
    [
        ("«Hello   World» said the man", "He said: “hello world” said the man, ok", "hello world” said the man"),
        ("сказал «да» и ушёл", "Он сказал да и ушёл домой.", "сказал да и ушёл"),
        ("Putin — did not admit", "Putin – did not\n admit guilt", "Putin – did not\n admit"),
        ("not in the text at all", "Something else entirely here.", None),
    ],
)
def test_a_quote_is_located_with_the_tolerance_of_the_grounding_check(quote: str, source: str, found: str | None):
    span = locate_quote(quote, source)
    assert (source[span[0] : span[1]] if span else None) == found


# --------------------------------------------------------------------------- digests


def test_digest_html_writes_a_page_per_day_and_an_index_linking_them(tmp_path: Path):
    out = tmp_path / "digests"
    result = CliRunner().invoke(
        app,
        [
            "digest",
            str(SEEDS),
            "--since",
            "2025-10-09",
            "--until",
            "2025-10-17",
            "--skip-empty",
            "--html",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.html")) == ["2025-10-10.html", "2025-10-17.html", "index.html"]
    day = (out / "2025-10-17.html").read_text(encoding="utf-8")
    elements = parse(day)
    digest = json.loads((out / "2025-10-17.json").read_text(encoding="utf-8"))
    assert [e for e in elements if e.tag == "a" and e.attrs.get("data-q")], "no citation opens a quote"
    assert any(e.tag == "div" and "source-text" in e.attrs.get("class", "") and e.text.strip() for e in elements)
    assert (
        "New since the previous digest" in day
        and "Compared with 1 earlier digest in this folder (latest: 2025-10-10)" in day
    )
    index = parse((out / "index.html").read_text(encoding="utf-8"))
    assert [e.attrs["href"] for e in index if e.tag == "a" and "day" in e.attrs.get("class", "")] == [
        "2025-10-17.html",
        "2025-10-10.html",
    ]
    assert any(e.text == digest["sources"][0]["headline"] for e in index), "the index shows each day's lead headline"
    assert f"and {out / 'index.html'}" in result.output


def test_a_later_digest_run_without_html_keeps_index_html_current(tmp_path: Path):
    out = tmp_path / "digests"
    first = CliRunner().invoke(app, ["digest", str(SEEDS), "--date", "2025-10-10", "--html", "--out", str(out)])
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(app, ["digest", str(SEEDS), "--date", "2025-10-17", "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert not (out / "2025-10-17.html").exists()
    links = [
        e.attrs["href"]
        for e in parse((out / "index.html").read_text(encoding="utf-8"))
        if e.tag == "a" and "day" in e.attrs.get("class", "")
    ]
    assert links == ["2025-10-17.md", "2025-10-10.html"]


def test_a_briefing_with_stories_gets_a_front_page_and_the_same_sections_per_story(briefing: Briefing):
    """Two stories (issue 13): the templates render each story's sections, with a front page and anchors unique across stories."""
    from summarizer.models import StoryBriefing

    b = briefing
    facts = {"lead": "", "first_date": None, "last_date": None, "languages": ["ru"], "independent_sources": 1}
    first = StoryBriefing(
        id="s1",
        title="Aliyev and Putin",
        sources=[s.ref for s in b.sources],
        summary=b.summary,
        timeline=b.timeline,
        stances=b.stances,
        actors=b.actors,
        divergences=b.divergences,
        framing=b.framing,
        stance_table=b.stance_table,
        corroborated=b.corroborated,
        **facts,
    )
    second = StoryBriefing(
        id="s2",
        title="<i>Only source 1</i>",
        sources=[1],
        summary=b.summary[:1],
        timeline=[e for e in b.timeline if e.sources == [1]],
        stances=[s for s in b.stances if s.source == 1],
        **facts,
    )
    elements = parse(render_html(b.model_copy(update={"stories": [first, second]}), seeds_run().source_texts()))
    front = [
        e.attrs["href"]
        for e in elements
        if e.tag == "a" and any("story-list" in p.attrs.get("class", "") for p in e.parents)
    ]
    assert front == ["#story-s1", "#story-s2"]
    ids = [e.attrs["id"] for e in elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "anchors repeat across stories"
    assert {
        "story-s1-timeline",
        "story-s1-divergences",
        "story-s1-stance-table",
        "story-s2-timeline",
        "story-s2-stances",
        "sources",
        "notes",
    } <= set(ids)
    assert "story-s2-divergences" not in ids, "a one-source story has no cross-source sections"
    assert not [e for e in elements if e.tag == "i"]
    assert [e for e in elements if e.tag == "a" and e.within("story-s1") and e.attrs.get("data-q")]


def test_who_says_it_and_how_each_date_is_known_read_as_in_the_markdown(elements, briefing: Briefing):
    """Inferred dates say so, undated events say when they were reported, and every statement not
    in the outlet's own voice names who says it (the same labels as the Markdown)."""
    from summarizer.models.attribution import voice_label

    published = {s.ref: s.date for s in briefing.sources}
    by_id = {e.attrs["id"]: e for e in elements if "id" in e.attrs}
    kinds = set()
    for i, e in enumerate(briefing.timeline, 1):
        text = " ".join(by_id[f"event-{i}"].text.split())
        if e.date_basis == "inferred":
            assert f"{'after' + e.after if e.after else e.date}inferred" in text.replace(" ", ""), text
        elif e.date_basis == "publication" or e.date is None:  # in the chronology at the day it was first reported
            assert text.startswith(f"by {min(published[r] for r in e.sources)}"), text
        else:
            assert text.startswith(e.date) and "inferred" not in text.split(e.description)[0]
        kinds.add(e.date_basis)
        for a in e.accounts:
            if a.voice != "source":
                assert " ".join(voice_label(a.voice, a.said_by).split()) in text
    assert kinds == {"stated", "inferred", "publication"}, "the seeds no longer show every kind of date"
    for i, s in enumerate(briefing.stances, 1):
        head = " ".join(by_id[f"stance-{i}"].text.split())
        if s.voice == "source":
            assert "(the outlet itself)" in head or "(per the outlet)" in head
        elif label := voice_label(s.voice, s.said_by, s.holder):
            assert f"({label})" in head
    for i, d in enumerate(briefing.divergences, 1):
        card = " ".join(by_id[f"divergence-{i}"].text.split())
        for side in d.sides:
            if side.voice != "source":
                assert f"({voice_label(side.voice, side.said_by)})" in card
