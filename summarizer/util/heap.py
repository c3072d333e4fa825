"""Keeping long-lived objects out of the cyclic garbage collector's passes."""

from __future__ import annotations

import gc

__all__ = ["freeze_heap"]


def freeze_heap() -> bool:
    """Move every object alive now out of the collector's view (`gc.freeze`), unless someone already has.

    Returns True when this call froze them: the caller then calls `gc.unfreeze()` when done. Left
    alone (False) when objects are frozen already, so an outer freeze (a caller's, before forking
    workers, or the pipeline's around a run) is never undone from inside.
    """
    if gc.get_freeze_count():
        return False
    gc.freeze()
    return True
