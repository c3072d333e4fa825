"""Tests of the one path that asks the model (llm/): client, retries, replay and recordings, limits, cost, brief check."""
