"""Stopping a `python -m bot` process a test started: SIGINT as an operator would, then a kill."""

from __future__ import annotations

import signal
import subprocess


def stop_process(process: subprocess.Popen[str], timeout: float = 15) -> None:
    """SIGINT, and SIGKILL if it has not exited within ``timeout`` seconds; always reaped."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
