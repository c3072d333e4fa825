"""Story clustering: which articles tell the same story, across languages and outlets.

Each hard case is built from briefs as brief's model writes them (English, canonical actor names,
dated events), in small realistic sets: the right grouping is stated in the test.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from summarizer.stories.clustering import Story, StoryDoc, cluster_stories, outlet_of, story_doc, story_id

from tests.conftest import ROOT

P, S, B, M = "person", "state", "government_body", "media"


def doc(
    id: str,
    date: str,
    headline: str,
    summary: str,
    actors,
    events=(),
    *,
    language: str = "en",
    outlet: str | None = None,
) -> StoryDoc:
    return StoryDoc(
        id=id,
        date=dt.date.fromisoformat(date),
        language=language,
        outlet=outlet,
        headline=headline,
        summary=summary,
        actors=tuple(actors),
        events=tuple(events),
    )


def groups(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in stories}


# --------------------------------------------------------------------------- the hard cases

PUTIN, PESKOV, RUSSIA = ("Vladimir Putin", P), ("Dmitry Peskov", P), ("Russia", S)

BANK_TAX = [
    doc(
        "tax-ru",
        "2025-05-12",
        "Putin signs law raising profit tax for large banks to 30 percent",
        "Vladimir Putin signed a law raising the corporate profit tax for the largest banks to 30 percent from next year. "
        "The finance ministry expects 400 billion rubles of extra revenue.",
        [PUTIN, ("Russian Ministry of Finance", B), RUSSIA],
        [("Putin signed the law raising the profit tax for large banks to 30 percent.", "2025-05-12")],
        language="ru",
        outlet="rbc.ru",
    ),
    doc(
        "tax-uk",
        "2025-05-13",
        "Russia hikes tax on big banks' profits to finance budget deficit",
        "Russia's largest banks will pay a 30 percent tax on their profits after Putin approved the bill. "
        "Ukrainian analysts say the budget deficit is forcing the Kremlin to squeeze lenders.",
        [PUTIN, RUSSIA, ("Sberbank", "organization")],
        [("Putin approved the bill on a 30 percent profit tax for the largest banks.", "2025-05-12")],
        language="uk",
        outlet="unian.ua",
    ),
    doc(
        "tax-lv",
        "2025-05-12",
        "Krievijas lielajām bankām pieaug peļņas nodoklis",
        "The profit tax on Russia's biggest lenders rises to 30 percent under a law signed by Putin; the measure is expected to bring "
        "the treasury 400 billion rubles.",
        [PUTIN, ("Russian Ministry of Finance", B)],
        [("A law signed by Putin raised the profit tax on the biggest Russian banks to 30 percent.", "2025-05-12")],
        language="lv",
        outlet="lsm.lv",
    ),
]

XI_PIPELINE = [
    doc(
        "xi-ru",
        "2025-05-12",
        "Putin and Xi discuss Power of Siberia 2 pipeline in Beijing",
        "Vladimir Putin met Xi Jinping in Beijing and discussed the Power of Siberia 2 gas pipeline. "
        "Peskov said no final contract on the gas price had been signed.",
        [PUTIN, ("Xi Jinping", P), PESKOV, ("China", S)],
        [
            ("Putin and Xi Jinping met in Beijing and discussed the Power of Siberia 2 pipeline.", "2025-05-12"),
            ("Peskov said no gas price contract had been signed.", "2025-05-12"),
        ],
        language="ru",
        outlet="kommersant.ru",
    ),
    doc(
        "xi-uk",
        "2025-05-13",
        "No price deal on Power of Siberia 2 after Putin–Xi talks",
        "Talks between Xi Jinping and Putin in the Chinese capital ended without an agreement on the price of gas for the Power of Siberia 2 pipeline.",
        [("Xi Jinping", P), PUTIN, ("China", S), RUSSIA],
        [("Xi Jinping and Putin held talks in Beijing on the Power of Siberia 2 pipeline.", "2025-05-12")],
        language="uk",
        outlet="pravda.com.ua",
    ),
]


def test_the_same_famous_actor_in_two_unrelated_stories_does_not_merge_them():
    stories = cluster_stories(BANK_TAX + XI_PIPELINE)
    assert groups(stories) == {frozenset({"tax-ru", "tax-uk", "tax-lv"}), frozenset({"xi-ru", "xi-uk"})}


STRIKE = [
    doc(
        "strike-lv",
        "2025-06-03",
        "Russian drones hit Kharkiv tram depot, four dead",
        "A Russian drone attack on a tram depot in Kharkiv killed four people and injured eleven, mayor Ihor Terekhov said. "
        "Twelve trams burned down.",
        [("Ihor Terekhov", P), RUSSIA, ("Ukraine", S)],
        [("Russian drones struck a tram depot in Kharkiv, killing four people.", "2025-06-02")],
        language="lv",
        outlet="delfi.lv",
    ),
    doc(
        "strike-ru",
        "2025-06-02",
        "Four killed as UAVs strike Kharkiv transport facility",
        "Unmanned aerial vehicles attacked a municipal transport enterprise in Kharkiv overnight; four people died and 11 were wounded, "
        "according to city head Terekhov. A dozen tramcars were destroyed by fire.",
        [("Ihor Terekhov", P), ("Kharkiv City Council", B)],
        [
            ("UAVs attacked a Kharkiv municipal transport enterprise, four dead and 11 wounded.", "2025-06-02"),
            ("Twelve tramcars were destroyed by the fire.", "2025-06-02"),
        ],
        language="ru",
        outlet="meduza.io",
    ),
    doc(
        "strike-uk",
        "2025-06-02",
        "Terekhov: attack on depot left Kharkiv without a third of its trams",
        "Kharkiv lost about a third of its tram fleet after the overnight strike on the depot that killed four, Terekhov said, "
        "promising to restore service on the main routes within a week.",
        [("Ihor Terekhov", P), RUSSIA],
        [("An overnight strike on the Kharkiv tram depot killed four people.", "2025-06-02")],
        language="uk",
        outlet="ukrinform.ua",
    ),
]
UNRELATED = doc(
    "vote-lv",
    "2025-06-02",
    "Saeima approves new education minister",
    "The Saeima approved Dace Melbarde as education minister with 52 votes.",
    [("Dace Melbarde", P), ("Saeima", B)],
    [("The Saeima approved Dace Melbarde as education minister.", "2025-06-02")],
    language="lv",
    outlet="lsm.lv",
)


def test_the_same_event_told_in_three_languages_in_different_words_is_one_story():
    stories = cluster_stories(STRIKE + [UNRELATED])
    assert groups(stories) == {frozenset({"strike-lv", "strike-ru", "strike-uk"}), frozenset({"vote-lv"})}


BOILER = "Delfi reminds readers that tips for its editorial team can be sent through the Delfi Telegram channel and the Delfi app."


def test_boilerplate_shared_by_one_outlets_articles_does_not_merge_their_stories():
    delfi = [
        doc(
            "d-bridge",
            "2025-04-07",
            "Daugavpils closes main bridge over the Daugava after cracks found",
            "Daugavpils closed its main bridge to traffic after inspectors found cracks in two supports. " + BOILER,
            [("Daugavpils City Council", B), ("Delfi", M)],
            [("Daugavpils closed the bridge after cracks were found.", "2025-04-07")],
            outlet="delfi.lv",
        ),
        doc(
            "d-wolves",
            "2025-04-07",
            "Farmers in Latgale ask for permission to shoot more wolves",
            "Sheep farmers in Latgale asked the State Forest Service to raise the wolf hunting quota after attacks on flocks. "
            + BOILER,
            [("State Forest Service", B), ("Delfi", M)],
            [("Latgale farmers asked for a higher wolf quota.", "2025-04-06")],
            outlet="delfi.lv",
        ),
        doc(
            "d-hockey",
            "2025-04-08",
            "Latvia beats Slovakia 3-1 in pre-championship friendly",
            "Latvia's hockey team beat Slovakia 3-1 in a friendly in Riga before the world championship. " + BOILER,
            [("Latvia national ice hockey team", "organization"), ("Delfi", M)],
            [("Latvia beat Slovakia 3-1 in Riga.", "2025-04-07")],
            outlet="delfi.lv",
        ),
    ]
    others = [
        doc(
            "l-bridge",
            "2025-04-07",
            "Cracks in supports shut Daugavpils bridge",
            "The main Daugava bridge in Daugavpils was closed to vehicles because two of its supports are cracked.",
            [("Daugavpils City Council", B)],
            [("The Daugavpils bridge was shut because of cracked supports.", "2025-04-07")],
            outlet="lsm.lv",
        ),
        doc(
            "r-hockey",
            "2025-04-08",
            "Latvian hockey team defeats Slovakia in friendly",
            "Latvia defeated Slovakia 3-1 in a warm-up game in Riga ahead of the world championship.",
            [("Latvia national ice hockey team", "organization")],
            [("Latvia defeated Slovakia 3-1.", "2025-04-07")],
            outlet="rbc.ru",
        ),
    ]
    stories = cluster_stories(delfi + others)
    assert groups(stories) == {
        frozenset({"d-bridge", "l-bridge"}),
        frozenset({"d-wolves"}),
        frozenset({"d-hockey", "r-hockey"}),
    }


def test_one_outlets_articles_about_one_story_stay_one_story():
    """What one outlet's articles about one story share is the story, not the outlet's boilerplate
    (all files in one `day.az/` folder, as the README advises)."""
    same_outlet = [StoryDoc(**{**d.__dict__, "outlet": "day.az"}) for d in STRIKE + [UNRELATED]]
    stories = cluster_stories(same_outlet)
    assert groups(stories) == {frozenset({"strike-lv", "strike-ru", "strike-uk"}), frozenset({"vote-lv"})}


def test_two_articles_of_one_outlet_about_one_story_join_while_its_other_stories_stay_apart():
    footer = "Follow Day.Az on Telegram and WhatsApp for the latest news from Azerbaijan and the region every day."
    day = [
        doc(
            "a-bridge",
            "2025-04-07",
            "Baku closes Ziya Bunyadov bridge for repairs",
            "Baku closed the bridge for repairs. " + footer,
            [],
            outlet="day.az",
        ),
        doc(
            "a-bridge-2",
            "2025-04-08",
            "Ziya Bunyadov bridge in Baku closed for repairs until May",
            "The Ziya Bunyadov bridge in Baku stays closed for repairs until May. " + footer,
            [],
            outlet="day.az",
        ),
        doc(
            "a-wine",
            "2025-04-07",
            "Shamakhi hosts wine festival",
            "Shamakhi hosted a wine festival. " + footer,
            [],
            outlet="day.az",
        ),
        doc(
            "a-chess",
            "2025-04-08",
            "Mamedyarov wins rapid chess title",
            "Mamedyarov won the rapid chess title. " + footer,
            [],
            outlet="day.az",
        ),
    ]
    stories = cluster_stories(day)
    assert groups(stories) == {frozenset({"a-bridge", "a-bridge-2"}), frozenset({"a-wine"}), frozenset({"a-chess"})}


def test_the_boilerplate_one_outlet_repeats_across_its_unrelated_stories_does_not_glue_them():
    """The benchmark world told by Delfi alone: its Telegram-channel sentence, in about a third of its
    briefs of any story, is discounted, so no cluster mixes two stories (without the discount, two do)."""
    from bench.story_scoring import to_doc
    from bench.make_story_corpus import make_records

    records = make_records(13, "delfi.lv")
    story = {r["id"]: r["story"] for r in records}
    mixed = [
        s.article_ids
        for s in cluster_stories([to_doc(r) for r in records])
        if len({story[a] for a in s.article_ids}) > 1
    ]
    assert mixed == []


def test_two_stories_in_the_same_city_on_the_same_day_stay_apart():
    fire = [
        doc(
            "fire-1",
            "2025-03-20",
            "Large fire engulfs warehouse in Riga's Bolderaja",
            "A fire covering 3,000 square metres broke out in a warehouse in Riga's Bolderaja district; two firefighters were injured.",
            [("State Fire and Rescue Service", B)],
            [("A warehouse fire in Riga's Bolderaja injured two firefighters.", "2025-03-20")],
            outlet="lsm.lv",
        ),
        doc(
            "fire-2",
            "2025-03-20",
            "Two firefighters hurt battling blaze at Riga warehouse",
            "Firefighters fought a blaze across 3,000 square metres of a Bolderaja warehouse in Riga, and two of them were hurt.",
            [("State Fire and Rescue Service", B), ("Riga", "other")],
            [("Two firefighters were hurt in the Bolderaja warehouse blaze in Riga.", "2025-03-20")],
            outlet="rbc.ru",
        ),
    ]
    council = [
        doc(
            "vote-1",
            "2025-03-20",
            "Riga mayor survives no-confidence vote",
            "A no-confidence motion against Riga mayor Vilnis Kirsis failed in the Riga City Council by 31 votes to 28.",
            [("Vilnis Kirsis", P), ("Riga City Council", B)],
            [("The Riga City Council rejected the motion to dismiss Kirsis.", "2025-03-20")],
            outlet="delfi.lv",
        ),
        doc(
            "vote-2",
            "2025-03-20",
            "Riga council fails to oust Kirsis",
            "Riga City Council rejected the motion to dismiss mayor Vilnis Kirsis, 31 councillors voting against.",
            [("Vilnis Kirsis", P), ("Riga City Council", B), ("Riga", "other")],
            [("Riga councillors voted 31 to 28 against dismissing Kirsis.", "2025-03-20")],
            outlet="unian.ua",
        ),
    ]
    stories = cluster_stories(fire + council)
    assert groups(stories) == {frozenset({"fire-1", "fire-2"}), frozenset({"vote-1", "vote-2"})}


# --------------------------------------------------------------------------- the contract


ALL = BANK_TAX + XI_PIPELINE + STRIKE + [UNRELATED]


def test_every_article_is_in_exactly_one_story_and_single_article_stories_are_fine():
    stories = cluster_stories(ALL)
    ids = [a for s in stories for a in s.article_ids]
    assert sorted(ids) == sorted(d.id for d in ALL)
    assert any(len(s.article_ids) == 1 for s in stories)


def test_the_result_does_not_depend_on_input_order():
    expected = cluster_stories(ALL)
    for seed in range(5):
        shuffled = ALL[:]
        random.Random(seed).shuffle(shuffled)
        assert cluster_stories(shuffled) == expected


def test_a_story_is_named_after_its_earliest_article_and_keeps_that_id_when_later_articles_join():
    first = cluster_stories(STRIKE[1:])  # strike-ru and strike-uk, both 2025-06-02
    assert [s.id for s in first] == [story_id("strike-ru")]
    later = cluster_stories(STRIKE)  # strike-lv, published a day later, joins
    assert [s.id for s in later] == [story_id("strike-ru")]
    assert later[0].article_ids == ("strike-ru", "strike-uk", "strike-lv")


def test_stories_are_listed_earliest_first():
    stories = cluster_stories(ALL)
    starts = [min(d.date for d in ALL if d.id in s.article_ids) for s in stories]
    assert starts == sorted(starts)


def test_a_story_seen_months_later_with_nothing_in_common_but_words_is_a_new_story():
    late = [
        doc(d.id + "-2026", "2026-01-20", d.headline, d.summary, [a for a in d.actors if a[1] != P], ())
        for d in STRIKE[:2]
    ]
    stories = cluster_stories(STRIKE + late)
    assert frozenset(d.id for d in STRIKE) in groups(stories)


def test_empty_input_and_duplicate_ids():
    assert cluster_stories([]) == []
    with pytest.raises(ValueError, match="unique"):
        cluster_stories([STRIKE[0], STRIKE[0]])


@pytest.mark.parametrize(
    "path, first_line, expected",
    [
        ("lsm.lv/2025/riga.txt", "", "lsm.lv"),
        ("feeds/delfi/riga.txt", "", None),
        ("seeds/000_1a84d6854ee061ff.txt", "", None),
        ("riga.txt", " date 2025-01-01 https://www.rbc.ru/politics/123 headline", "rbc.ru"),
        ("000_1a84d6854ee061ff.txt", " date 2025-12-22 VIP galdiņš paliek tukšs", None),
    ],
)
def test_outlet_comes_from_a_domain_named_folder_or_a_url_on_the_first_line(path, first_line, expected):
    assert outlet_of(path, first_line) == expected


def test_the_five_seed_briefs_form_one_story():
    from summarizer import Settings, bundled_fixtures_dir
    from summarizer.pipeline import build_briefing

    run = build_briefing(
        [ROOT / "seeds"],
        Settings(replay_dir=bundled_fixtures_dir(), use_cache=False),
        executive_summary=False,
        cross_source=False,
    )
    docs = [story_doc(r.article, r.brief) for r in run.results if r.ok]
    assert len(docs) == 5
    stories = cluster_stories(docs)
    assert len(stories) == 1 and set(stories[0].article_ids) == {d.id for d in docs}
