"""Child processes of a benchmark run (sandbox, gateway API, workers, reference client) and their memory.

``Child.start(module, *args, env=...)`` runs ``python -m module`` with this interpreter from the repo
root and waits for its ``READY …`` line (the rest of that line is handed back, e.g. a port). Output
after that is drained in the background (kept short for error messages) so a chatty child never blocks
on a full pipe. ``stop()`` sends SIGTERM, waits, then kills.

Memory is read from ``/proc/<pid>/status``: ``VmRSS`` (resident now) and ``VmHWM`` (peak resident).
``reset_peak`` writes ``5`` to ``/proc/<pid>/clear_refs`` so ``VmHWM`` restarts from the current
resident size; ``RssSampler`` also polls ``VmRSS`` in case the kernel does not support the reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import deque
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class ChildFailed(RuntimeError):
    """A child exited or printed nothing useful before it was ready."""


class Child:
    """One ``python -m`` child process."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.tail: deque[str] = deque(maxlen=200)
        self.lines: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        self._pump: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls,
        name: str,
        module: str,
        *args: str,
        env: dict[str, str] | None = None,
        ready_timeout: float = 120.0,
        stdin: bool = False,
    ) -> tuple[Child, str]:
        """Start ``python -m module args`` and return it with the text after its ``READY`` marker.

        ``stdin=True`` keeps a pipe to the child's stdin for :meth:`send_line`.
        """
        child_env = {**os.environ, **(env or {})}
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), child_env.get("PYTHONPATH")]))
        child_env.setdefault("PYTHONUNBUFFERED", "1")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            cwd=str(REPO),
            env=child_env,
            stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=16 * 1024 * 1024,  # longest output line read (a long log line must not stop the drain)
        )
        child = cls(name, process)
        child._pump = asyncio.create_task(child._read_lines())
        try:
            ready = await asyncio.wait_for(child.wait_for("READY"), ready_timeout)
        except (TimeoutError, ChildFailed):
            await child.stop()
            raise ChildFailed(f"{name} did not start:\n" + "\n".join(child.tail)) from None
        return child, ready

    async def send_line(self, text: str) -> None:
        assert self.process.stdin is not None, "start the child with stdin=True"
        self.process.stdin.write(text.encode() + b"\n")
        await self.process.stdin.drain()

    async def _read_lines(self) -> None:
        assert self.process.stdout is not None
        while True:
            raw = await self.process.stdout.readline()
            if not raw:
                with contextlib.suppress(asyncio.QueueFull):
                    self.lines.put_nowait("")  # end of output: wake anyone waiting
                return
            line = raw.decode("utf-8", "replace").rstrip()
            self.tail.append(line)
            with contextlib.suppress(asyncio.QueueFull):  # nobody is waiting for markers any more
                self.lines.put_nowait(line)

    async def wait_for(self, marker: str) -> str:
        """The rest of the first output line starting with ``marker``; ChildFailed if output ends."""
        while True:
            line = await self.lines.get()
            if line == "" and self.process.stdout is not None and self.process.stdout.at_eof():
                raise ChildFailed(f"{self.name} ended before printing {marker}")
            if line.startswith(marker):
                return line[len(marker) :].strip()

    async def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM, wait up to ``grace`` seconds, then SIGKILL; returns the exit code."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pump, 5)
        return self.process.returncode


def _status(pid: int) -> dict[str, int]:
    """``VmRSS``/``VmHWM`` … of a process in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key.startswith("Vm") and rest.strip().endswith("kB"):
            values[key] = int(rest.split()[0])
    return values


def rss_mb(pid: int) -> float:
    return _status(pid)["VmRSS"] / 1024


def peak_mb(pid: int) -> float:
    return _status(pid)["VmHWM"] / 1024


def reset_peak(pid: int) -> bool:
    """Restart ``VmHWM`` from the current RSS (Linux ``clear_refs`` 5); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """Polls a process's RSS every ``interval`` seconds while running; ``peak`` is the highest seen."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RssSampler:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()

    def _sample(self) -> None:
        with contextlib.suppress(OSError, KeyError):
            self.peak = max(self.peak, rss_mb(self.pid))

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.interval)
