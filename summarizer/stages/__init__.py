"""The pipeline's stages, in order: read articles, summarize each (and ground its quotes),
merge the briefs, group them into stories (stories.py), analyse across sources, write the executive summary."""
