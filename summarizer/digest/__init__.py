"""Daily digests: one briefing per publication date, and what is new since the previous ones."""
