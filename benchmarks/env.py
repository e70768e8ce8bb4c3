"""What a result was measured on: date, machine (cores, CPU model, memory, load), versions, git commit."""
from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from .data import ROOT


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        return None
    return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def environment() -> dict[str, Any]:
    """Return the date, machine, versions and git state of this run."""
    status = _git("status", "--porcelain")
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cores": os.cpu_count(), "cpu": _cpu_model(), "memory_gib": _memory_gib(),
                    "platform": platform.platform(), "load_average": list(os.getloadavg())},
        "versions": {"python": platform.python_version(), "torch": _version("torch"), "spacy": _version("spacy"),
                     "transformers": _version("transformers"), "govie": _version("govie")},
        "git": {"commit": _git("rev-parse", "--short", "HEAD"),
                "uncommitted_changes": None if status is None else len(status.splitlines())},
    }
