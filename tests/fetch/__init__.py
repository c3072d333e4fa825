"""Tests of brief fetch (fetch/): feeds and pages."""
