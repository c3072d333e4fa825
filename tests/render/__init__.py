"""Tests of Markdown, JSON and HTML output (render/)."""
