"""Tests of the pipeline's steps (stages/): reading, grounding, stories, merge, analysis, synthesis, shards."""
