"""The one transport retry layer (tenacity), around each HTTP request: chat completions and the Batch API alike.

Transient faults (429, 5xx, timeouts, connection errors) are resent with exponential backoff and
jitter (capped at `backoff_max`), or after the server's Retry-After (capped at `retry_after_max`);
at most `max_attempts` attempts, none once the next wait would pass `max_elapsed` seconds; the last
error is re-raised. tenacity is imported when a policy is made, not with this module.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from ..config.settings import Settings
from .faults import LOCAL_RESEND_NOTE, describe_error, is_transient, retry_after, root_cause, timed_out_on_this_machine

__all__ = ["UNREACHABLE_ATTEMPTS", "UNREACHABLE_WAIT", "retry_policy"]

log = logging.getLogger("summarizer.llm.client")  # the retry lines keep the logger name they always had

UNREACHABLE_ATTEMPTS = 2  # one quick retry for a connection that cannot be made to an endpoint not yet heard from
UNREACHABLE_WAIT = 0.5  # seconds before that retry (at most)


def retry_policy(
    settings: Settings,
    what: str,
    *,
    refused: Callable[[BaseException], bool],
    redact: Callable[[str], str],
    fail_fast: Callable[[BaseException], bool] | None = None,
) -> Any:
    """The one transport retry policy (tenacity), for chat completions and the Batch API alike.

    Transient faults (429, 5xx, timeouts, connection errors) are retried with exponential
    backoff and jitter, or after the server's Retry-After; the last error is re-raised. A fault
    `fail_fast` accepts (for chat completions: a connection that cannot be made to an endpoint
    that has never answered this run, i.e. a server not started or a wrong --base-url) is
    retried once, quickly, instead of for minutes.
    """
    from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, stop_before_delay, wait_exponential_jitter

    s = settings
    backoff = wait_exponential_jitter(
        multiplier=s.backoff_initial, max=s.backoff_max, jitter=s.backoff_initial
    )  # initial x 2^(n-1) + U(0, initial), capped

    def fast(exc: BaseException) -> bool:
        return fail_fast is not None and fail_fast(exc)

    def retry(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if exc is None or not is_transient(exc, s) or refused(exc):  # a refused schema is asked without it, not resent
            return False
        return state.attempt_number < UNREACHABLE_ATTEMPTS if fast(exc) else True

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if exc is not None and fast(exc):
            return min(s.backoff_initial, UNREACHABLE_WAIT)
        root = root_cause(exc) if exc else None
        hinted = retry_after(root, s.retry_after_max) if root is not None else None
        if hinted is not None:
            return hinted + random.uniform(0, min(s.backoff_initial, 1.0))
        return backoff(state)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        reason = redact(describe_error(root_cause(exc))) if exc else "?"
        note = LOCAL_RESEND_NOTE if exc is not None and timed_out_on_this_machine(root_cause(exc), s) else ""
        sleep = state.upcoming_sleep
        most = UNREACHABLE_ATTEMPTS if exc is not None and fast(exc) else s.max_attempts
        log.warning(
            "%s: %s%s (attempt %d of %d); retrying in %.2f s",
            what,
            reason,
            note,
            state.attempt_number,
            most,
            sleep,
            extra={"brief_wait": sleep, "brief_reason": reason},
        )

    return AsyncRetrying(
        stop=stop_after_attempt(max(s.max_attempts, 1)) | stop_before_delay(s.max_elapsed),
        wait=wait,
        retry=retry,
        before_sleep=before_sleep,
        reraise=True,
    )
