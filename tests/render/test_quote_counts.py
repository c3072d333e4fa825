"""The header's quote count (issue 21 part 6) over a whole briefing, stories included: every Quote is found,
each distinct quote counted once, while only the fields that can hold a quote are walked (issue 26)."""

from __future__ import annotations

from pydantic import BaseModel

from summarizer import Settings, bundled_fixtures_dir
from summarizer.models import Quote
from summarizer.models.evidence import normalize
from summarizer.pipeline import build_briefing
from summarizer.render.quotes import iter_quotes, quote_counts

from tests.conftest import SEEDS


def every_quote(value: object) -> list[Quote]:
    """The reference: every field of every model, however deep."""
    if isinstance(value, Quote):
        return [value]
    if isinstance(value, BaseModel):
        return [q for name in type(value).model_fields for q in every_quote(getattr(value, name))]
    if isinstance(value, (list, tuple)):
        return [q for item in value for q in every_quote(item)]
    return []


def test_the_quote_count_finds_every_quote_of_the_briefing_and_its_stories_once():
    b = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    expected = every_quote(b)
    assert len(expected) > 100 and b.stories and every_quote(b.stories)  # the stories repeat the briefing's quotes
    assert [id(q) for q in iter_quotes(b)] == [id(q) for q in expected]
    distinct = {(q.source, normalize(q.text)) for q in expected}
    verified = {(q.source, normalize(q.text)) for q in expected if q.verified}
    assert (
        quote_counts(b) == (len(verified), len(distinct)) == (74, 74)
    )  # with the comparison's agreement quotes (issue 21)

    one = b.timeline[0].model_copy(
        update={
            "accounts": [
                *b.timeline[0].accounts,
                b.timeline[0]
                .accounts[0]
                .model_copy(
                    update={
                        "quote": Quote(
                            source=b.timeline[0].accounts[0].source,
                            text=" " + b.timeline[0].accounts[0].quote.text.upper(),
                            verified=False,
                        )
                    }
                ),
            ]
        }
    )
    again = b.model_copy(update={"timeline": [one, *b.timeline[1:]]})
    assert quote_counts(again) == (
        74,
        74,
    )  # the same quote told again, spaced and cased differently: counted once, verified
