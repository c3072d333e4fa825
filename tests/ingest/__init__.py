"""Tests of articles in (ingest/): reading files, streaming them to the summarize step, languages."""
