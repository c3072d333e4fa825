"""Article pages and feeds written for the `brief fetch` tests (invented news; no real site's pages).

Four outlets in four languages, each article a page with navigation and a footer around the
text (so extraction has something to leave out), plus RSS, Atom, JSON Feed and OPML builders.
"""

from __future__ import annotations

import json
from html import escape
from xml.sax.saxutils import escape as xml_escape

ARTICLES = {
    "en-bridge": (
        "en",
        "New footbridge opens over the Lune river",
        [
            "The town council of Marlow Vale opened a new footbridge over the Lune river on Monday, ending two years of works that closed the old ferry crossing.",
            'Mayor Alice Brennan said the bridge would cut the walk from the station to the market square by twenty minutes. "This is the link the east bank has waited for," she told residents at the opening.',
            "The bridge cost 4.2 million pounds, of which the regional fund paid half. Cyclists will share the deck with pedestrians until a separate lane is built next spring.",
        ],
    ),
    "en-ferry": (
        "en",
        "Last ferry crosses the Lune after ninety years",
        [
            "The Lune ferry made its last crossing on Thursday evening, ninety years after the first boat carried passengers between Marlow Vale and the east bank.",
            'Skipper Tom Hale, who ran the boat for twenty-two years, said he would miss the regulars. "Some of them crossed with me every morning for two decades," he said.',
            "The council plans to keep the ferry as a museum piece moored by the new footbridge, and volunteers will offer summer rides for visitors.",
        ],
    ),
    "ru-port": (
        "ru",
        "В порту Северогорска открыли новый причал",
        [
            "В понедельник в порту Северогорска открыли новый грузовой причал, строительство которого заняло полтора года и обошлось городу в девятьсот миллионов рублей.",
            "Директор порта Олег Ветров заявил, что причал позволит принимать суда длиной до двухсот метров. «Теперь зимой мы не будем отправлять корабли в соседние гавани», — сказал он журналистам.",
            "По словам администрации, новые рабочие места получат около ста двадцати жителей города, а первые суда причалят уже в следующем месяце.",
        ],
    ),
    "uk-metro": (
        "uk",
        "У Вербівці запустили нову лінію трамвая",
        [
            "У середу у Вербівці запустили нову лінію трамвая, яка з'єднала житловий масив Сонячний із центральним вокзалом міста.",
            "Міський голова Тарас Гнатюк повідомив, що лінію будували два роки, а її вартість склала триста мільйонів гривень. «Дорога до центру скоротиться вдвічі», — сказав він.",
            "Перші тижні проїзд новою лінією буде безкоштовним, а графік руху перевірять після місяця роботи.",
        ],
    ),
    "lv-school": (
        "lv",
        "Kalnciemā atklāta jauna skola",
        [
            "Otrdien Kalnciemā tika atklāta jauna pamatskola, kurā mācīsies vairāk nekā četri simti bērnu no pilsētas un apkārtējiem pagastiem.",
            'Novada vadītāja Ilze Kalniņa sacīja, ka skolas celtniecība ilga astoņpadsmit mēnešus un izmaksāja deviņus miljonus eiro. "Bērniem vairs nebūs jābrauc uz Jelgavu," viņa teica.',
            "Skolā ir sporta zāle, bibliotēka un ēdnīca, un mācības tajā sāksies jau nākamajā nedēļā.",
        ],
    ),
}


def page(
    key: str,
    *,
    canonical: str | None = None,
    published: str | None = None,
    charset: str = "utf-8",
    body_extra: str = "",
) -> str:
    """The HTML page of an article in ARTICLES."""
    lang, title, paragraphs = ARTICLES[key]
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}"><title>{escape(title)} | Testnews</title>{link}{meta}</head>'
        f'<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{escape(title)}</h1>{paras}{body_extra}</article>"
        f"<footer>Testnews, all rights reserved. Subscribe to our newsletter.</footer></body></html>"
    )


def rss(title: str, items: list[dict], *, language: str = "en") -> str:
    """An RSS 2.0 feed; each item: link, title, guid?, pubDate?, content? (content:encoded)."""
    out = []
    for it in items:
        parts = [f"<title>{xml_escape(it['title'])}</title>", f"<link>{xml_escape(it['link'])}</link>"]
        if it.get("guid"):
            parts.append(f'<guid isPermaLink="false">{xml_escape(it["guid"])}</guid>')
        if it.get("pubDate"):
            parts.append(f"<pubDate>{it['pubDate']}</pubDate>")
        if it.get("content"):
            parts.append(f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>")
        out.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{xml_escape(title)}</title><link>http://example.invalid/</link><language>{language}</language>"
        + "".join(out)
        + "</channel></rss>"
    )


def atom(title: str, items: list[dict]) -> str:
    entries = "".join(
        f"<entry><id>{xml_escape(it.get('guid', it['link']))}</id><title>{xml_escape(it['title'])}</title>"
        f'<link href="{xml_escape(it["link"])}"/><updated>{it.get("updated", "2025-10-06T09:00:00Z")}</updated></entry>'
        for it in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{xml_escape(title)}</title><id>urn:test</id><updated>2025-10-06T09:00:00Z</updated>{entries}</feed>'


def json_feed(title: str, items: list[dict]) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": it.get("guid", it["link"]),
                    "url": it["link"],
                    "title": it["title"],
                    **({"date_published": it["date"]} if it.get("date") else {}),
                    **({"content_html": it["content"]} if it.get("content") else {}),
                }
                for it in items
            ],
        },
        ensure_ascii=False,
    )


def opml(urls: list[str]) -> str:
    outlines = "".join(f'<outline type="rss" text="feed {i}" xmlUrl="{xml_escape(u)}"/>' for i, u in enumerate(urls))
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>subscriptions</title></head><body><outline text="News">{outlines}</outline></body></opml>'


def full_text_html(key: str) -> str:
    """An article's paragraphs as the HTML a full-text feed carries in content:encoded."""
    return "".join(f"<p>{escape(p)}</p>" for p in ARTICLES[key][2])
