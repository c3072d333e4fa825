"""Tests of the cache (cache/): disk and Redis."""
