"""Money as brief writes it: one format for every figure in USD."""

from __future__ import annotations

__all__ = ["format_usd"]


def format_usd(value: float) -> str:
    """$0.0123 for small amounts, $12.35 for large ones."""
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"
