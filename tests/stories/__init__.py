"""Tests of stories (stories/): clustering briefs into stories and each story's briefing parts."""
