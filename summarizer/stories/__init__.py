"""A run's briefs grouped into stories (clustering) and each story's briefing parts (briefings)."""
