"""Writing briefings and digests out: Markdown and JSON."""
