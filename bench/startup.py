"""Start-up benchmark: ``python -m bot`` as a process, from its start to its first getUpdates request.

The bot runs against :class:`tests.botapi.FakeBotAPIServer` on 127.0.0.1 (``BOT_TOKEN`` and
``BOT_BASE_URL`` in its environment, its store in a temporary directory, no ``.env``). The time is
taken from just before the process is spawned to the moment the fake server receives the first
``getUpdates`` (stamped in the server thread, same clock). Then a user sends ``/summary`` every
50 ms until the answer is the summary (a large article the cache does not hold is parsed in a
child process while the bot already polls and asks users to wait): that is "summary served".
Peak memory is ``VmHWM`` of ``/proc/<pid>/status`` read once the summary is served, so it covers
loading the article; the parsing child's own ``VmHWM`` is sampled every 50 ms while it lives.
The bot is then stopped with SIGINT and must exit with status 0 and no traceback.

Articles: the bundled one, and a generated ~5 MB article (the bundled article's paragraphs repeated
with their words shuffled and a serial number each, so no two paragraphs are equal) passed through
``BOT_ARTICLE_PATH``.

    .venv/bin/python -m bench.startup [--runs 5] [--big-runs 2] [--big-mb 5]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``bot`` and ``tests`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.article.load import DEFAULT_ARTICLE
from tests.botapi import FakeBotAPI, FakeBotAPIServer, FakeResponse
from tests.botapi.spec import FileUpload

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.0
GOAL_MB = 80.0
POLL_TIMEOUT = 300.0


class StampingFakeBotAPI(FakeBotAPI):
    """A FakeBotAPI that notes when the first ``getUpdates`` arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.first_poll: float | None = None
        self.polled = threading.Event()

    def request(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, FileUpload] | None = None
    ) -> FakeResponse:
        """Stamp the first getUpdates, then answer as usual."""
        if method == "getUpdates" and self.first_poll is None:
            self.first_poll = time.perf_counter()
            self.polled.set()
        return super().request(method, params, files)


@dataclass(frozen=True)
class Run:
    """One start of the bot."""

    seconds: float
    served: float
    peak_mb: float
    rss_mb: float
    child_mb: float


def big_article(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a ~``megabytes`` MB Arabic article built from the bundled one; returns its size in bytes."""
    lines = DEFAULT_ARTICLE.read_text("utf-8").splitlines()
    dateline = next(i for i, line in enumerate(lines) if line.startswith("بغداد"))
    head = lines[: dateline + 1]
    body = [line for line in lines[dateline + 1 :] if len(line.split()) >= 12]
    rng = random.Random(seed)
    out = list(head)
    size, serial, target = 0, 0, int(megabytes * 2**20)
    while size < target:
        words = rng.choice(body).split()
        cut = rng.randrange(3, len(words) - 3)
        middle = words[cut : cut + 6]
        rng.shuffle(middle)
        paragraph = " ".join([*words[:cut], *middle, *words[cut + 6 :], f"(الفقرة {serial})"])
        out += [paragraph, ""]
        size += len(paragraph.encode()) + 2
        serial += 1
    text = "\n".join(out) + "\n"
    path.write_text(text, "utf-8")
    return len(text.encode())


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def start_once(workdir: Path, article: Path | None, cache_dir: Path) -> Run:
    """Start the bot once, wait for its first poll, read its memory, stop it with SIGINT."""
    api = StampingFakeBotAPI()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(
        {"PYTHONPATH": str(ROOT), "BOT_DB_PATH": str(workdir / "bot.sqlite3"), "BOT_CACHE_DIR": str(cache_dir)}
    )
    if article is not None:
        env["BOT_ARTICLE_PATH"] = str(article)
    with FakeBotAPIServer(api) as server, (workdir / "stderr.log").open("w+") as stderr:
        _quiet_disconnects(server)
        env.update({"BOT_TOKEN": server.token, "BOT_BASE_URL": server.base_url})
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            while not api.polled.wait(0.05):
                if process.poll() is not None or time.perf_counter() - began > POLL_TIMEOUT:
                    break
            if api.first_poll is None:
                stderr.seek(0)
                raise RuntimeError(f"the bot never polled (exit {process.poll()}):\n{stderr.read()[-2000:]}")
            served, child = _wait_for_summary(api, process, began)
            peak, rss = _status_mb(process.pid, "VmHWM"), _status_mb(process.pid, "VmRSS")
            process.send_signal(signal.SIGINT)
            status = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        stderr.seek(0)
        log = stderr.read()
    if status != 0 or "Traceback" in log:
        raise RuntimeError(f"the bot did not stop cleanly (exit {status}):\n{log[-2000:]}")
    if api.violations:
        raise RuntimeError(f"invalid requests: {api.violations[:5]}")
    return Run(api.first_poll - began, served - began, peak, rss, child)


def _wait_for_summary(api: FakeBotAPI, process: subprocess.Popen[bytes], began: float) -> tuple[float, float]:
    """Send /summary every 50 ms until the summary comes back; (that moment, peak MB of any child seen)."""
    child_peak = 0.0
    user = 4711
    while time.perf_counter() - began < POLL_TIMEOUT and process.poll() is None:
        api.message_update("/summary", user_id=user, push=True)
        time.sleep(0.05)
        for pid in _children(process.pid):
            try:
                child_peak = max(child_peak, _status_mb(pid, "VmHWM"))
            except (OSError, RuntimeError):  # gone between the listing and the read
                pass
        if any(text.startswith("ملخص الخبر") for text in api.sent_texts(user)):
            return time.perf_counter(), child_peak
    raise RuntimeError("the bot never served the summary")


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, started from any of its threads."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # the thread ended meanwhile
            pass
    return children


def _quiet_disconnects(server: FakeBotAPIServer) -> None:
    """Do not print a traceback when the stopped bot hangs up on a long poll (a BrokenPipeError, harmless)."""
    http = getattr(server, "_server", None)
    if http is not None:
        http.handle_error = lambda request, client_address: None


def interpreter_baseline() -> float:
    """Seconds for ``python -c 'import bot.cli, bot.telegram.app'``: the floor before any article work."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {"PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bot.cli, bot.telegram.app"], env=env, check=True)
    return time.perf_counter() - began


def describe(label: str, runs: list[Run]) -> str:
    """One Markdown row, with whether the goals hold (judged on the median and the worst peak)."""
    median = statistics.median(r.seconds for r in runs)
    peak = max(r.peak_mb for r in runs)
    time_ok = "holds" if median <= GOAL_SECONDS else "MISSED"
    memory_ok = "holds" if peak <= GOAL_MB else "MISSED"
    child = max(r.child_mb for r in runs)
    return (
        f"| {label} | {len(runs)} | {median:.2f} s | {min(r.seconds for r in runs):.2f} s "
        f"| {statistics.median(r.served for r in runs):.2f} s | {peak:.1f} MB | {max(r.rss_mb for r in runs):.1f} MB "
        f"| {f'{child:.1f} MB' if child else '-'} | {time_ok} | {memory_ok} |"
    )


def _cold_and_warm(base: Path, article: Path | None, label: str, runs: int) -> list[str]:
    """``runs`` starts with an empty parse cache each (cold), then ``runs`` sharing a filled one (warm)."""
    def fresh() -> Path:
        return Path(tempfile.mkdtemp(dir=base))

    cold = [start_once(fresh(), article, fresh()) for _ in range(runs)]
    shared = fresh()
    start_once(fresh(), article, shared)  # fills the cache; not counted
    warm = [start_once(fresh(), article, shared) for _ in range(runs)]
    return [describe(f"{label}, cold cache", cold), describe(f"{label}, warm cache", warm)]


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts, and as many warm, with the bundled article")
    parser.add_argument("--big-runs", type=int, default=2, help="the same with the generated article")
    parser.add_argument("--big-mb", type=float, default=5.0, help="size of the generated article")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        base = Path(tmp)
        imports = min(interpreter_baseline() for _ in range(3))
        label = f"bundled article ({DEFAULT_ARTICLE.stat().st_size / 1024:.1f} KB)"
        rows += _cold_and_warm(base, None, label, args.runs)
        big = base / "big-article.txt"
        size = big_article(big, args.big_mb)
        if args.big_runs:
            rows += _cold_and_warm(base, big, f"generated article ({size / 2**20:.2f} MB)", args.big_runs)
    print(f"goals: first getUpdates <= {GOAL_SECONDS} s after spawn (median), peak memory (VmHWM) <= {GOAL_MB} MB")
    print(f"floor: python -c 'import bot.cli, bot.telegram.app' takes {imports:.2f} s (best of 3)\n")
    print(
        "| article | runs | to first getUpdates (median) | best | summary served (median) | bot peak (VmHWM) "
        "| bot RSS then | parsing child peak | time goal | memory goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
