"""N simulated visitors of `lstm-tutor serve` at once, over websockets on loopback.

Each visitor is a signed-in learner (their sign-in code in the websocket's path, as the page
sends it): it connects, waits for its first whole screen, resumes lesson 1, moves to step z0 and
answers it, staying until the app has saved it (up to 300 s). Printed per N: time to first
screen (median and worst), the memory of one session's process (RSS, median), CPU seconds per
session, the worst time from Enter to the answer in the store, and how many visitors' answers
are in the class store afterwards.

    python bench/serve_load.py                 # N = 1, 10, 30
    python bench/serve_load.py --visitors 5    # one size
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tutor.lessons.catalog import load_lesson  # noqa: E402
from tutor.lessons.runtime import LessonSession  # noqa: E402
from tutor.progress.classroom import Classroom  # noqa: E402

LESSON, STEP = "lstm-forward-pass", "z0"
SCREEN_BYTES = 3000  # a whole first screen drawn, not only the terminal's first bytes
TIMEOUT = 300.0
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CLK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def python_sessions(server_pid: int) -> list[int]:
    """The visitors' app processes (python running web-session), not the shells around them."""
    found = []
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"python") or b"python" in cmd[0]:
            if b"web-session" in cmd:
                found.append(pid)
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


async def until(condition, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.5)


async def visitor(port: int, who, answer: str, started: asyncio.Event, store_path: Path) -> dict:
    code = who.signin
    # read-only, opened once the visitor's process holds the store (its -wal exists), so
    # every query sees what that process committed
    mine: list = []

    def store():
        if not mine:
            mine.append(Classroom(store_path, read_only=True).progress_of(who.id))
        return mine[0]

    def position():
        return store().last_position()

    url = f"http://127.0.0.1:{port}/ws/{code}?width=100&height=30"
    drawn: list[str] = []
    size = 0
    async with aiohttp.ClientSession() as session:
        await started.wait()
        t0 = time.perf_counter()
        async with session.ws_connect(url, timeout=TIMEOUT, max_msg_size=0) as ws:
            await ws.send_json(["resize", {"width": 100, "height": 30}])
            first = None

            async def read() -> None:
                nonlocal size, first
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        size += len(message.data)
                        drawn.append(CSI.sub("", message.data.decode(errors="replace")))
                        if first is None and size >= SCREEN_BYTES:
                            first = time.perf_counter() - t0

            reader = asyncio.create_task(read())
            while first is None:
                await asyncio.sleep(0.05)
                if time.perf_counter() - t0 > TIMEOUT:
                    raise TimeoutError("no first screen")
            await asyncio.sleep(1.0)
            # resume (lesson 1 opens at its introduction), move on to the step, answer it
            await ws.send_json(["stdin", "r"])
            await until(lambda: position() == (LESSON, "intro"), "resume")
            await ws.send_json(["stdin", "\r"])
            await until(lambda: position() == (LESSON, STEP), "the step")
            await asyncio.sleep(0.5)
            await ws.send_json(["stdin", answer])
            await asyncio.sleep(0.3)
            await ws.send_json(["stdin", "\r"])
            sent = time.perf_counter()
            try:  # the visitor stays until the app has saved the answer (or gives up)
                await until(lambda: store().attempts(LESSON, STEP) >= 1, "the answer saved")
                saved = time.perf_counter() - sent
            except TimeoutError:
                saved = None
            reader.cancel()
            return {"first": first, "saved_after": saved}


async def crowd(port: int, people: list, answers: list[str], server_pid: int, store: Path) -> dict:
    started = asyncio.Event()
    tasks = [
        asyncio.create_task(visitor(port, who, a, started, store))
        for who, a in zip(people, answers, strict=True)
    ]
    cpu_before = sum(cpu_s(p) for p in [server_pid])
    started.set()
    # sample the sessions' memory while everyone is connected
    rss: dict[int, float] = {}
    cpu: dict[int, float] = {}
    while not all(t.done() for t in tasks):
        for pid in python_sessions(server_pid):
            try:
                rss[pid] = max(rss.get(pid, 0.0), rss_mb(pid))
                cpu[pid] = cpu_s(pid)
            except OSError:
                pass
        await asyncio.sleep(0.5)
    results = [t.result() for t in tasks]
    return {
        "first": [r["first"] for r in results],
        "saved_after": [r["saved_after"] for r in results if r["saved_after"] is not None],
        "rss": list(rss.values()),
        "cpu": list(cpu.values()),
        "server_cpu": cpu_s(server_pid) - cpu_before,
    }


def run(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        root = Path(tmp) / "sessions"
        root.mkdir()
        room = Classroom(root / "class.db")
        people = [room.sign_up(f"visitor {k:02d}") for k in range(n)]
        answers = [LessonSession(load_lesson(LESSON), seed=p.seed).reveal(STEP) for p in people]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "tutor.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--sessions-root", str(root)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("serve did not start")
                time.sleep(0.2)
            figures = asyncio.run(crowd(port, people, answers, server.pid, root / "class.db"))
        finally:
            server.terminate()
            server.wait(timeout=60)
        saved = sum(STEP in room.progress_of(p).completed_steps(LESSON) for p in people)
        room.close()
    return {**figures, "saved": saved, "n": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, action="append", help="N (repeatable)")
    sizes = parser.parse_args().visitors or [1, 10, 30]
    print(f"lstm-tutor serve, visitors over websockets on loopback ({os.cpu_count()} cores)")
    head = ("N", "first screen median", "worst", "RSS/session", "CPU s/session",
            "Enter to saved, worst", "answers saved")  # fmt: skip
    widths = (3, 19, 7, 11, 13, 21, 13)
    print("  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for n in sizes:
        r = run(n)
        rss = statistics.median(r["rss"]) if r["rss"] else float("nan")
        cpu = statistics.mean(r["cpu"]) if r["cpu"] else float("nan")
        worst_save = max(r["saved_after"], default=float("nan"))
        print(f"{n:>3}  {statistics.median(r['first']):>18.1f}s  {max(r['first']):>6.1f}s  "
              f"{rss:>9.0f}MB  {cpu:>13.2f}  {worst_save:>20.1f}s  {r['saved']:>6}/{n:<6}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
