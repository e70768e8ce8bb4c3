"""In-process timing (perf_counter, warm-up, median of repeats) and this process's memory."""
from __future__ import annotations

import resource
import statistics
import time
from typing import Any, Callable


class Clock:
    """Wall seconds (``perf_counter``) and this process's CPU seconds (``process_time``, all threads).

    CPU time is the check on a shared machine: a single-threaded tool whose CPU/wall is well below 1
    waited for a core, so its wall times are inflated.
    """

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        """Return ``(wall, cpu)`` seconds since the clock was made."""
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def timed(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> dict[str, Any]:
    """Call ``fn`` ``warmup`` times untimed, then ``repeats`` times; return median/min/max wall seconds
    and the median CPU seconds.

    >>> sorted(timed(lambda: None, repeats=3))
    ['cpu_median', 'max', 'median', 'min', 'runs']
    """
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(max(1, repeats)):
        clock = Clock()
        fn()
        runs.append(clock.read())
    walls = [w for w, _ in runs]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls), "runs": len(runs),
            "cpu_median": statistics.median(c for _, c in runs)}


def status_mb(field: str, pid: int | str = "self") -> float | None:
    """Return a memory field of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``) in MiB, or None where unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float | None:
    """Return this process's current resident set size in MiB (Linux), else None."""
    return status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MiB.

    ``VmHWM`` restarts at exec; ``ru_maxrss`` (the fallback) keeps the size of the process that forked
    this one, so on Linux it would report the benchmark harness's memory for a small tool.
    """
    hwm = status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
