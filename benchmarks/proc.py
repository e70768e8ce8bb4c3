"""Run a command as a child process and measure it: wall seconds, CPU seconds (wait4) and peak RSS."""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

from .timing import status_mb


@dataclass
class Completed:
    """A finished child: exit code, wall and CPU seconds, peak RSS, output tails."""

    returncode: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float | None  # largest single process of the tree
    peak_rss_sum_mb: float | None  # sum of each process's peak (an upper bound for the whole tree)
    stdout: str
    stderr: str
    timed_out: bool = False

    def failure(self) -> str | None:
        """Return a one-line reason when the child failed, else None."""
        lines = [line.strip() for line in self.stderr.strip().splitlines() if line.strip()]
        last = lines[-1] if lines else "no message"
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s (last stderr line: {last})"
        if self.returncode != 0:
            return f"exit {self.returncode}: {last}"
        return None


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def run(cmd: list[str], timeout: float, env: dict[str, str] | None = None, cwd: str | None = None,
        keep: int = 4000, sample_every: float = 0.1) -> Completed:
    """Run ``cmd`` to completion (killed after ``timeout`` seconds); keep the last ``keep`` chars of output.

    Peak memory is each process's ``VmHWM`` (Linux), sampled every ``sample_every`` seconds over the
    child and its descendants; the kernel's ``ru_maxrss`` is not used, since a child inherits in it the
    size of the process that forked it. The child gets its own process group, so a time-out ends its
    workers too.
    """
    peaks: dict[int, float] = {}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                 start_new_session=True)
        timed_out = False
        next_sample = start
        try:
            while True:
                now = time.perf_counter()
                if now >= next_sample:
                    for pid in _descendants(child.pid):
                        hwm = status_mb("VmHWM", pid)
                        if hwm is not None:
                            peaks[pid] = max(peaks.get(pid, 0.0), hwm)
                    next_sample = now + sample_every
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if now - start > timeout:
                    os.killpg(child.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(child.pid, 0)
                    timed_out = True
                    break
                time.sleep(0.02)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): end the child's process group too
            os.killpg(child.pid, signal.SIGKILL)
            os.wait4(child.pid, 0)
            raise
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")[-keep:]
        stderr = err.read().decode("utf-8", "replace")[-keep:]
    return Completed(child.returncode, seconds, usage.ru_utime + usage.ru_stime,
                     max(peaks.values()) if peaks else None, sum(peaks.values()) if peaks else None,
                     stdout, stderr, timed_out)
