"""Tests of daily digests (digest/)."""
