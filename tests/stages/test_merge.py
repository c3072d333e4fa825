"""Merging per-article briefs into one briefing: sources, timeline, actors, stances, notes.

Everything here is built by hand in code (small ArticleBriefs), so each rule is visible in the test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.ingest.articles import Rejection
from summarizer.models import GroundingReport
from summarizer.stages.merge import dates_compatible, merge_briefs, normalize_name
from summarizer.models import Actor, Article, ArticleBrief, BriefingMeta, Event, Stance
from summarizer.models import BriefResult

META = BriefingMeta(
    generated_at="2025-12-31 00:00 UTC",
    model="m",
    mode="tools",
    endpoint="test",
    prompt_hashes={},
    schema_hash="s",
    articles=0,
    briefs=0,
    items_verified=0,
    items_unverified=0,
)

ALIYEV = {"ru": "Ильхам Алиев", "uk": "Ільхам Алієв", "lv": "Ilhams Alijevs"}
PUTIN = {"ru": "Владимир Путин", "uk": "Володимир Путін", "lv": "Vladimirs Putins"}


def actor(name: str, in_source: str, kind: str = "person", role: str = "President of Azerbaijan") -> Actor:
    return Actor(name=name, name_in_source=in_source, kind=kind, role=role)


def event(
    description: str, date: str | None, actors: list[str], quote: str = "a verbatim quote from the article"
) -> Event:
    precision = {None: "unknown", 1: "year", 2: "month", 3: "day"}[None if date is None else len(date.split("-"))]
    return Event(date=date, precision=precision, description=description, actors=actors, evidence=quote)


def stance(holder: str, target: str, gist: str, quote: str = "a verbatim quote from the article") -> Stance:
    return Stance(holder=holder, target=target, position="critical", gist=gist, evidence=quote)


def result(
    path: str,
    date: str | None,
    lang: str,
    *,
    actors: list[Actor] = (),
    events: list[Event] = (),
    stances: list[Stance] = (),
    unverified_events: set[int] = frozenset(),
    unverified_stances: set[int] = frozenset(),
    aliases: list[str] = (),
) -> BriefResult:
    """A finished brief of an article `path`; items listed as unverified failed the grounding check."""
    art = Article(
        id=(path.replace(".", "") + "0" * 16)[:16],
        path=path,
        aliases=list(aliases),
        language=lang,
        text="text",
        date=dt.date.fromisoformat(date) if date else None,
    )
    brief = ArticleBrief(
        source_language=lang,
        headline=f"Headline of {path}",
        summary="Summary.",
        actors=list(actors),
        events=list(events),
        stances=list(stances),
    )
    grounding = GroundingReport(
        stances=tuple(i not in unverified_stances for i in range(len(stances))),
        events=tuple(i not in unverified_events for i in range(len(events))),
    )
    return BriefResult(art, brief, grounding)


def merge(*results: BriefResult, **kwargs):
    return merge_briefs(list(results), meta=META, **kwargs)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("2025-10-09", "2025-10-09", True),
        ("2025-10", "2025-10-09", True),  # month and a day in it
        ("2025-10-09", "2025-10", True),
        ("2025", "2025-10-09", True),  # year and a day in it
        ("2025", "2025-10", True),
        (None, "2025-10-09", True),  # undated fits anything
        ("2025-10", None, True),
        (None, None, True),
        ("2025-10-09", "2025-10-10", False),  # conflicting days
        ("2025-10", "2025-11", False),
        ("2025-10", "2025-11-01", False),
        ("2024", "2025-01", False),
        ("2024-12", "2024", True),
    ],
)
def test_dates_compatible(a, b, compatible):
    assert dates_compatible(a, b) is compatible


# --------------------------------------------------------------------------- sources


def test_sources_are_numbered_by_publication_date_undated_last_then_by_file():
    b = merge(
        result("lv.txt", "2025-12-22", "lv"),
        result("undated.txt", None, "ru"),
        result("uk.txt", "2025-09-03", "uk"),
        result("a-ru.txt", "2025-09-03", "ru"),
    )
    assert [(s.ref, s.file, s.date and s.date.isoformat()) for s in b.sources] == [
        (1, "a-ru.txt", "2025-09-03"),
        (2, "uk.txt", "2025-09-03"),
        (3, "lv.txt", "2025-12-22"),
        (4, "undated.txt", None),
    ]
    assert [s.language for s in b.sources] == ["ru", "uk", "lv", "ru"]
    assert b.sources[2].headline == "Headline of lv.txt"
    assert b.source(3).file == "lv.txt"


def test_failed_rejected_and_duplicate_files_are_notes_not_sources():
    failed = BriefResult(
        Article(id="f" * 16, path="broken.txt", date=dt.date(2025, 1, 1), language="ru", text="t"),
        error="HTTP 500 after 5 attempts",
    )
    b = merge(
        result("ok.txt", "2025-09-03", "ru", aliases=["copy-of-ok.txt"]),
        failed,
        rejected=[Rejection("empty.txt", "empty file; nothing to summarize")],
    )
    assert [s.file for s in b.sources] == ["ok.txt"]
    assert b.sources[0].aliases == ["copy-of-ok.txt"]
    notes = {(n.kind, n.file): n.message for n in b.notes}
    assert notes[("failed", "broken.txt")] == "HTTP 500 after 5 attempts"
    assert notes[("rejected", "empty.txt")] == "empty file; nothing to summarize"
    assert "identical to ok.txt; cited as [1]" in notes[("duplicate", "copy-of-ok.txt")]
    assert b.meta.briefs == 1


# --------------------------------------------------------------------------- timeline

MEETING = {
    "ru": "Ilham Aliyev and Vladimir Putin met in Dushanbe.",
    "uk": "Ilham Aliyev met Vladimir Putin in Dushanbe on the sidelines of the CIS summit.",
    "lv": "Aliyev and Putin met in Dushanbe.",
}


def _three_sources_report_the_meeting():
    def people(lang):
        return [actor("Ilham Aliyev", ALIYEV[lang]), actor("Vladimir Putin", PUTIN[lang], role="President of Russia")]

    return merge(
        result(
            "ru.txt",
            "2025-10-10",
            "ru",
            actors=people("ru"),
            events=[
                event(MEETING["ru"], "2025-10", ["Ilham Aliyev", "Vladimir Putin"], "в Душанбе состоялась встреча")
            ],
        ),
        result(
            "uk.txt",
            "2025-10-17",
            "uk",
            actors=people("uk"),
            events=[
                event(MEETING["uk"], "2025-10-09", ["Ilham Aliyev", "Vladimir Putin"], "зустріч 9 жовтня в Душанбе")
            ],
        ),
        result(
            "lv.txt",
            "2025-12-22",
            "lv",
            actors=people("lv"),
            events=[
                event(MEETING["lv"], None, ["Ilham Aliyev", "Vladimir Putin"], "Dušanbē, kur viņš tikās ar Putinu")
            ],
        ),
    )


def test_the_same_event_from_three_sources_is_one_entry_with_three_citations():
    b = _three_sources_report_the_meeting()
    (entry,) = b.timeline
    assert entry.sources == [1, 2, 3]
    assert [a.source for a in entry.accounts] == [1, 2, 3]
    assert entry.actors == ["Ilham Aliyev", "Vladimir Putin"]


def test_the_most_precise_date_wins_and_each_source_keeps_its_own_date():
    (entry,) = _three_sources_report_the_meeting().timeline
    assert (entry.date, entry.precision) == ("2025-10-09", "day")
    assert [a.date for a in entry.accounts] == ["2025-10", "2025-10-09", None]


def test_each_source_keeps_its_own_account_and_quote():
    (entry,) = _three_sources_report_the_meeting().timeline
    assert [a.description for a in entry.accounts] == [MEETING["ru"], MEETING["uk"], MEETING["lv"]]
    assert [a.quote.text for a in entry.accounts] == [
        "в Душанбе состоялась встреча",
        "зустріч 9 жовтня в Душанбе",
        "Dušanbē, kur viņš tikās ar Putinu",
    ]
    assert all(a.quote.verified and a.quote.source == a.source for a in entry.accounts)


def test_the_merged_description_does_not_carry_a_detail_only_one_source_gives():
    b = merge(
        result(
            "uk.txt",
            "2025-09-03",
            "uk",
            events=[
                event(
                    "Russian police detained about 50 members of the Azerbaijani community in Yekaterinburg; two died.",
                    "2025-06",
                    ["Russia"],
                )
            ],
        ),
        result(
            "ru.txt",
            "2025-09-04",
            "ru",
            events=[
                event(
                    "Russian police detained members of the Azerbaijani community in Yekaterinburg; two died.",
                    "2025-06",
                    ["Russia"],
                )
            ],
        ),
    )
    (entry,) = b.timeline
    assert "50" not in entry.description
    assert (
        entry.description == "Russian police detained members of the Azerbaijani community in Yekaterinburg; two died."
    )
    assert "about 50" in entry.accounts[0].description  # the figure stays with the source that gave it


@pytest.mark.parametrize(("first", "second"), [("2025-10-09", "2025-10-10"), ("2025-10", "2025-11"), ("2024", "2025")])
def test_events_with_conflicting_dates_are_not_merged(first: str, second: str):
    b = merge(
        result("a.txt", "2025-12-01", "ru", events=[event(MEETING["ru"], first, ["Ilham Aliyev", "Vladimir Putin"])]),
        result("b.txt", "2025-12-02", "uk", events=[event(MEETING["ru"], second, ["Ilham Aliyev", "Vladimir Putin"])]),
    )
    assert [(e.date, e.sources) for e in b.timeline] == [(first, [1]), (second, [2])]


def test_different_events_are_not_merged():
    b = merge(
        result(
            "a.txt",
            "2025-09-03",
            "ru",
            events=[
                event(
                    "Aliyev and Putin held no bilateral meeting at the SCO summit in China.",
                    "2025-09-01",
                    ["Ilham Aliyev", "Vladimir Putin"],
                )
            ],
        ),
        result(
            "b.txt",
            "2025-09-03",
            "uk",
            events=[event("Azerbaijan hosted the 3rd CIS Games in Ganja.", "2025-09-01", ["Azerbaijan"])],
        ),
    )
    assert len(b.timeline) == 2


def test_different_events_of_the_same_people_on_compatible_dates_are_not_merged():
    # Same two actors, dates that fit together (month / undated), two sources: only the wording
    # tells the events apart, so this pins the match threshold (shared actors alone never merge).
    pair = ["Ilham Aliyev", "Vladimir Putin"]
    meeting = "The two presidents met in Dushanbe on the sidelines of the CIS summit."
    apology = "Moscow apologised for the downing of the Azerbaijani airliner over Grozny."
    b = merge(
        result("a.txt", "2025-10-10", "ru", events=[event(meeting, "2025-10", pair)]),
        result("b.txt", "2025-12-22", "lv", events=[event(apology, None, pair)]),
    )
    assert [(e.description, e.sources) for e in b.timeline] == [(meeting, [1]), (apology, [2])]


def test_two_events_of_one_source_are_never_merged_into_one_entry():
    b = merge(
        result(
            "a.txt",
            "2025-10-10",
            "ru",
            events=[
                event(MEETING["ru"], "2025-10-09", ["Ilham Aliyev", "Vladimir Putin"]),
                event(MEETING["lv"], "2025-10-09", ["Ilham Aliyev", "Vladimir Putin"]),
            ],
        )
    )
    assert [e.sources for e in b.timeline] == [[1], [1]]


def test_a_source_joins_the_entry_with_its_closest_event_not_its_first_similar_one():
    # The Latvian source first mentions an undated apology naming the same two people, then the
    # meeting itself. The meeting entry must get the Latvian meeting account, and the apology
    # must stay an entry of its own (regression: first-come matching put the apology there).
    apology = (
        "Vladimir Putin publicly admitted Russia's guilt for the downing of the plane and apologised to Ilham Aliyev."
    )
    pair = ["Ilham Aliyev", "Vladimir Putin"]
    b = merge(
        result("ru.txt", "2025-10-10", "ru", events=[event(MEETING["ru"], "2025-10", pair)]),
        result("uk.txt", "2025-10-17", "uk", events=[event(MEETING["ru"], "2025-10-09", pair)]),
        result(
            "lv.txt", "2025-12-22", "lv", events=[event(apology, None, pair), event(MEETING["lv"], "2025-10", pair)]
        ),
    )
    meeting = [e for e in b.timeline if "met in Dushanbe" in e.description]
    assert len(meeting) == 1
    assert meeting[0].sources == [1, 2, 3]
    assert meeting[0].accounts[2].description == MEETING["lv"]
    assert [e.description for e in b.timeline if e.sources == [3]] == [apology]


def test_the_timeline_is_sorted_by_date_with_undated_events_last():
    b = merge(
        result(
            "a.txt",
            "2025-12-22",
            "lv",
            events=[
                event("Aliyev declined to attend the CIS summit in Saint Petersburg.", "2025-12", []),
                event("Brothers Huseyn and Ziyaddin Safarov died shortly after being detained.", None, []),
                event("A Russian air-defence system shot down an Azerbaijani plane.", "2024-12", []),
                event("Aliyev and Putin met in Dushanbe.", "2025-10-09", []),
                event("Russia began striking SOCAR facilities in Odesa region.", "2025", []),
            ],
        )
    )
    assert [e.date for e in b.timeline] == ["2024-12", "2025", "2025-10-09", "2025-12", None]
    assert [e.precision for e in b.timeline] == ["month", "year", "day", "month", "unknown"]


# --------------------------------------------------------------------------- actors


def test_an_actor_named_in_three_languages_is_one_actor_with_each_spelling():
    b = _three_sources_report_the_meeting()
    aliyev = next(a for a in b.actors if a.name == "Ilham Aliyev")
    assert aliyev.names_in_sources == [ALIYEV["ru"], ALIYEV["uk"], ALIYEV["lv"]]
    assert aliyev.sources == [1, 2, 3]
    assert aliyev.roles == ["President of Azerbaijan"]  # the same role, once
    assert [a.name for a in b.actors].count("Ilham Aliyev") == 1


def test_a_transliteration_variant_of_the_canonical_name_is_the_same_actor():
    b = merge(
        result(
            "ru.txt",
            "2025-09-03",
            "ru",
            actors=[actor("Ilham Aliyev", "Ильхам Алиев")],
            stances=[stance("Ilham Aliyev", "Russia", "Aliyev accused Russian security forces of torture.")],
            events=[event("Ilham Aliyev urged Ukraine not to agree to occupation.", "2025-07", ["Ilham Aliyev"])],
        ),
        result(
            "uk.txt",
            "2025-09-04",
            "uk",
            actors=[actor("Ilham Aliev", "Ільхам Алієв")],
            stances=[stance("Ilham Aliev", "Russia", "Aliyev reacted harshly.")],
            events=[event("Ilham Aliev urged Ukraine never to agree to occupation.", "2025-07", ["Ilham Aliev"])],
        ),
    )
    (aliyev,) = b.actors
    assert aliyev.name == "Ilham Aliyev"  # the spelling of the earliest source
    assert aliyev.names_in_sources == ["Ильхам Алиев", "Ільхам Алієв"]
    assert aliyev.sources == [1, 2]
    # stances and events of the variant are filed under the merged name
    assert [(s.holder, s.source) for s in b.stances] == [("Ilham Aliyev", 1), ("Ilham Aliyev", 2)]
    (entry,) = b.timeline
    assert entry.actors == ["Ilham Aliyev"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"),
        ("Sergey Lavrov", "Sergei Lavrov"),
        ("dmitry peskov", "Dmitry Peskov"),
    ],
)
def test_spelling_variants_merge(first: str, second: str):
    b = merge(
        result("a.txt", "2025-09-03", "ru", actors=[actor(first, "x", role="r")]),
        result("b.txt", "2025-09-04", "uk", actors=[actor(second, "y", role="r")]),
    )
    assert len(b.actors) == 1 and b.actors[0].sources == [1, 2]


@pytest.mark.parametrize(
    ("first", "second", "kinds"),
    [
        ("Ilham Aliyev", "Heydar Aliyev", ("person", "person")),  # father and son
        ("Azerbaijan", "Armenia", ("state", "state")),
        ("Kremlin", "Kremlin TV", ("government_body", "media")),
    ],
)
def test_different_actors_stay_apart(first: str, second: str, kinds: tuple[str, str]):
    b = merge(
        result("a.txt", "2025-09-03", "ru", actors=[actor(first, "x", kind=kinds[0], role="r")]),
        result("b.txt", "2025-09-04", "uk", actors=[actor(second, "y", kind=kinds[1], role="r")]),
    )
    assert sorted(a.name for a in b.actors) == sorted([first, second])


def test_actors_are_listed_most_cited_first():
    b = merge(
        result(
            "a.txt",
            "2025-09-03",
            "ru",
            actors=[actor("Yuri Ushakov", "Юрий Ушаков", role="aide"), actor("Ilham Aliyev", "Ильхам Алиев")],
        ),
        result("b.txt", "2025-09-04", "uk", actors=[actor("Ilham Aliyev", "Ільхам Алієв")]),
    )
    assert [a.name for a in b.actors] == ["Ilham Aliyev", "Yuri Ushakov"]


def test_normalize_name_folds_case_accents_and_hyphens():
    assert normalize_name("Erdoğan") == normalize_name("erdogan")
    assert normalize_name("Jean-Yves  Le Drian") == "jean yves le drian"


# --------------------------------------------------------------------------- grounding in the briefing


def test_unverified_items_are_kept_out_of_timeline_and_stances_and_listed_in_notes():
    b = merge(
        result(
            "ru.txt",
            "2025-09-03",
            "ru",
            actors=[actor("Ilham Aliyev", "Ильхам Алиев")],
            stances=[
                stance(
                    "Ilham Aliyev",
                    "Russia",
                    "Aliyev accused Russian security forces of torture.",
                    "Алиев обвинил российских силовиков",
                ),
                stance("Ilham Aliyev", "Ukraine", "Aliyev promised weapons to Ukraine.", "Алиев пообещал оружие Киеву"),
            ],
            events=[
                event(
                    "Ilham Aliyev urged Ukraine not to agree to occupation.",
                    "2025-07",
                    ["Ilham Aliyev"],
                    "В июле Алиев призвал Украину",
                ),
                event("Aliyev visited Kyiv.", "2025-08", ["Ilham Aliyev"], "Алиев посетил Киев"),
            ],
            unverified_stances={1},
            unverified_events={1},
        )
    )
    assert [s.gist for s in b.stances] == ["Aliyev accused Russian security forces of torture."]
    assert [e.description for e in b.timeline] == ["Ilham Aliyev urged Ukraine not to agree to occupation."]
    shown = [s.quote for s in b.stances] + [a.quote for e in b.timeline for a in e.accounts]
    assert all(q.verified for q in shown)

    unverified = [n for n in b.notes if n.kind == "unverified"]
    assert [n.file for n in unverified] == ["ru.txt", "ru.txt"]
    assert "stance left out" in unverified[0].message and "Алиев пообещал оружие Киеву" in unverified[0].message
    assert "event left out" in unverified[1].message and "Aliyev visited Kyiv." in unverified[1].message
    assert (b.meta.items_verified, b.meta.items_unverified) == (2, 2)


def test_stances_are_ordered_by_holder_then_source():
    b = merge(
        result(
            "a.txt",
            "2025-09-03",
            "ru",
            actors=[actor("Vladimir Putin", "Путин", role="r"), actor("Dmitry Peskov", "Песков", role="r")],
            stances=[stance("Vladimir Putin", "Azerbaijan", "g1"), stance("Dmitry Peskov", "Aliyev", "g2")],
        ),
        result(
            "b.txt",
            "2025-09-04",
            "uk",
            actors=[actor("Dmitry Peskov", "Пєсков", role="r")],
            stances=[stance("Dmitry Peskov", "Aliyev", "g3")],
        ),
    )
    assert [(s.holder, s.source, s.gist) for s in b.stances] == [
        ("Dmitry Peskov", 1, "g2"),
        ("Dmitry Peskov", 2, "g3"),
        ("Vladimir Putin", 1, "g1"),
    ]


def test_events_that_only_share_the_names_of_their_actors_are_not_merged():
    # Descriptions that are mostly the two names look alike word for word; the names must not
    # carry the match, or three different events become one "corroborated" entry.
    pair = ["Ilham Aliyev", "Vladimir Putin"]
    met = "Ilham Aliyev and Vladimir Putin met in Dushanbe."
    phoned = "Ilham Aliyev and Vladimir Putin spoke by phone."
    apologised = "Vladimir Putin apologised to Ilham Aliyev."
    b = merge(
        result("a.txt", "2025-10-10", "ru", events=[event(met, "2025-10-09", pair)]),
        result("b.txt", "2025-10-20", "uk", events=[event(phoned, "2025-10", pair)]),
        result("c.txt", "2025-12-22", "lv", events=[event(apologised, None, pair)]),
    )
    assert sorted((e.description, tuple(e.sources)) for e in b.timeline) == sorted(
        [(met, (1,)), (phoned, (2,)), (apologised, (3,))]
    )


def test_reported_speech_from_an_unnamed_source_is_never_a_states_position():
    remarks = Stance(
        holder="Norway",
        target="Maria Lindqvist",
        position="hostile",
        gist="Harsh remarks aired on state radio.",
        evidence="a verbatim quote from the article",
        voice="unnamed",
        said_by="commentators on Norwegian state radio",
    )
    minister = Stance(
        holder="Norway",
        target="Maria Lindqvist",
        position="critical",
        gist="The foreign ministry protested.",
        evidence="a verbatim quote from the article",
        voice="named",
        said_by="Norwegian foreign ministry",
    )
    b = merge(
        result(
            "a.txt",
            "2025-09-03",
            "no",
            actors=[actor("Norway", "Norge", kind="state", role="state")],
            stances=[remarks, minister],
        )
    )
    by_gist = {s.gist: (s.holder, s.voice, s.said_by) for s in b.stances}
    assert by_gist["Harsh remarks aired on state radio."] == (
        "commentators on Norwegian state radio",
        "unnamed",
        "commentators on Norwegian state radio",
    )
    assert by_gist["The foreign ministry protested."] == (
        "Norway",
        "named",
        "Norwegian foreign ministry",
    )  # a named body may speak for its state


def test_the_outlets_own_view_is_held_by_the_outlet_and_an_actors_stance_it_reports_stays_the_actors():
    own = Stance(
        holder="the outlet",
        target="Norway",
        position="critical",
        gist="The outlet calls the plan reckless.",
        evidence="a verbatim quote from the article",
        voice="source",
    )
    told = Stance(
        holder="Norway",
        target="the plan",
        position="supportive",
        gist="The outlet says Oslo backs the plan.",
        evidence="a verbatim quote from the article",
        voice="source",
    )
    b = merge(
        result(
            "news/a.txt",
            "2025-09-03",
            "no",
            actors=[actor("Norway", "Norge", kind="state", role="state")],
            stances=[own, told],
        )
    )
    assert {(s.holder, s.voice) for s in b.stances} == {("a.txt", "source"), ("Norway", "source")}
