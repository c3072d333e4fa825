from summarizer import Settings, build_briefing, bundled_fixtures_dir, load_articles, summarize_articles

# Offline: answer from the recorded responses shipped with brief. For your own endpoint use
# resolve_settings({"provider": "ollama", "model": "qwen2.5:7b"}) (flags > env > brief.toml).
settings = Settings(replay_dir=bundled_fixtures_dir())

# Per-article briefs (pydantic ArticleBrief objects), summarized concurrently.
loaded = load_articles(["seeds/"])
for result in summarize_articles(loaded.articles, settings):
    print(result.article.path, "->", result.brief.headline if result.ok else result.error)

# The whole pipeline in one call: merged timeline, actors, stances, executive summary.
briefing = build_briefing(["seeds/"], settings).briefing
print(f"Timeline (schema {briefing.meta.schema_version}):")
for entry in briefing.timeline:
    print(f"  {entry.date or 'undated'}  {entry.description}  {entry.sources}")
