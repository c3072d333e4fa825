"""Writing briefings and digests out: Markdown, JSON and self-contained HTML (html.py, templates/)."""
