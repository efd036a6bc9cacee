"""`manage.py serve` (what `make run` starts): the web server and the task cluster run
together, and stopping serve stops both, however it is stopped: Ctrl-C in a terminal reaches
the whole process group, but an IDE's stop button or `kill` signals serve alone."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time

import pytest

from tests import live


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((live.HOST, port)) == 0


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().split(") ")[1].split()[0] != "Z":
                alive.append(pid)
    return alive


def _descendants(pid: int) -> list[int]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in children] + [g for child in children for g in _descendants(int(child))]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("stop_signal", "background_job"),
    [(signal.SIGINT, False), (signal.SIGTERM, True)],
    ids=["interrupted", "terminated-background-job"],
)
def test_stopping_serve_alone_stops_the_web_server_and_the_cluster(tmp_path, stop_signal, background_job):
    """A background job (`make run &`, nohup) starts with SIGINT ignored, and so do its children."""
    database = live.LiveDatabase.create("sqlite", tmp_path)
    env = database.env(DEBUG="1")
    live.run_checked([live.venv_python(), "manage.py", "migrate", "--noinput"], env=env)
    port = live.free_port()
    serve = subprocess.Popen(
        [live.venv_python(), "manage.py", "serve", "--port", str(port)],
        cwd=live.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # only serve is signalled, as by an IDE or `kill`
        preexec_fn=_ignore_sigint if background_job else None,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(port) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _answers(port), "serve did not start the web server"
        started = _descendants(serve.pid)
        assert len(started) >= 2  # the web server and the cluster, with their own children

        serve.send_signal(stop_signal)
        serve.wait(timeout=30)

        deadline = time.monotonic() + 10
        while (_alive(started) or _answers(port)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _answers(port), "the web server still answers after serve stopped"
        assert _alive(started) == [], "processes started by serve outlived it"
    finally:
        for pid in [serve.pid, *_descendants(serve.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
