"""The `brief` command: typed options, one library call each, errors turned into messages.

Exit codes: 0 every article made it into the briefing; 1 usage or configuration error (nothing
written); 2 the briefing was written but some articles failed or were rejected (see its Notes).

Each command group lives in its own module and registers itself on `app` when imported below.
"""

from __future__ import annotations

from ..util.speed import freeze_at_exit
from ._common import app

from . import run as _run  # noqa: F401  (registers `brief run`)
from . import schemas as _schemas  # noqa: F401
from . import cache as _cache  # noqa: F401
from . import config as _config  # noqa: F401  (registers `brief config path|show`)
from . import check as _check  # noqa: F401  (registers `brief check`)
from . import digest as _digest  # noqa: F401  (registers `brief digest`)
from . import fetch as _fetch  # noqa: F401  (registers `brief fetch`)

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        freeze_at_exit()  # shutdown's collections skip what is alive now (util/speed.py)
