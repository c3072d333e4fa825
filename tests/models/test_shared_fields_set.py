"""One set of field names for every output model given all its fields (issue 26: pydantic's per-model set was
200-700 bytes of each of the tens of thousands of accounts and quotes a 10,000-article briefing holds)."""

from __future__ import annotations

from summarizer import Settings, bundled_fixtures_dir
from summarizer.models import Account, Quote, TimelineEntry
from summarizer.models.base import all_fields_set, with_shared_fields_set
from summarizer.pipeline import build_briefing

from tests.conftest import SEEDS


def test_a_model_given_every_field_holds_its_classs_one_set_and_it_never_changes():
    a = with_shared_fields_set(Quote(source=1, text="a verbatim quote", verified=True))
    b = with_shared_fields_set(Quote(source=2, text="another one", verified=False))
    assert (
        a.__pydantic_fields_set__
        is b.__pydantic_fields_set__
        is all_fields_set(Quote)
        == {"source", "text", "verified"}
    )
    a.text = "changed"  # assigning a field names one the set holds already
    assert all_fields_set(Quote) == {"source", "text", "verified"} and b.model_fields_set == {
        "source",
        "text",
        "verified",
    }
    c = a.model_copy(update={"source": 3})
    assert c.source == 3 and all_fields_set(Quote) == {"source", "text", "verified"}
    assert a.model_dump() == {"source": 1, "text": "changed", "verified": True}

    partial = with_shared_fields_set(
        Account(source=1, date=None, description="d", quote=a)
    )  # defaults left out: its own set
    assert partial.__pydantic_fields_set__ is not all_fields_set(Account) and partial.model_fields_set == {
        "source",
        "date",
        "description",
        "quote",
    }


def test_the_merged_accounts_stances_and_their_quotes_share_one_set_per_class():
    b = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    accounts = [a for e in b.timeline for a in e.accounts] + [
        a for s in b.stories for e in s.timeline for a in e.accounts
    ]
    assert len(accounts) > 20 and b.stances
    assert {id(a.__pydantic_fields_set__) for a in accounts} == {id(all_fields_set(Account))}
    assert {id(q.__pydantic_fields_set__) for q in [a.quote for a in accounts] + [s.quote for s in b.stances]} == {
        id(all_fields_set(Quote))
    }
    assert all(
        e.__pydantic_fields_set__ is not all_fields_set(TimelineEntry) for e in b.timeline
    )  # 'after' is not always given
