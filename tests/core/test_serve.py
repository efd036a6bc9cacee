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

from core.management.commands import serve as serve_command
from tests import live


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((live.HOST, port)) == 0


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: state, parent, … (so the test needs no `ps`,
    which not every Debian image has); None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1].split()
    except FileNotFoundError:
        return None


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if (fields := _stat(pid)) is not None and fields[0] != "Z"]


def _descendants(pid: int) -> list[int]:
    pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    children = [child for child in pids if (fields := _stat(child)) is not None and int(fields[1]) == pid]
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_serve(tmp_path, *, background_job: bool = False) -> tuple[subprocess.Popen, int]:
    """serve on a free port, leading a process group of its own, once its web server answers."""
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
        start_new_session=True,  # serve leads its own process group, as under a supervisor
        preexec_fn=_ignore_sigint if background_job else None,
    )
    deadline = time.monotonic() + 60
    while not _answers(port) and time.monotonic() < deadline:
        time.sleep(0.3)
    if not _answers(port):
        _kill_all(serve)
        pytest.fail("serve did not start the web server")
    return serve, port


def _kill_all(serve: subprocess.Popen) -> None:
    for pid in [serve.pid, *_descendants(serve.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["terminated", "interrupted"])
def test_signalling_serves_process_group_stops_everything_within_20_seconds(tmp_path, stop_signal):
    """A supervisor or `kill -TERM -PGID` signals serve's whole process group, and Ctrl-C
    sends SIGINT to it: serve, the web server and the cluster with its workers are all gone
    within 20 s, and stopped when asked, before serve's grace period ends and it kills them."""
    serve, port = _start_serve(tmp_path)
    try:
        started = _descendants(serve.pid)
        assert len(started) >= 2  # the web server and the cluster, with their own children
        signalled = time.monotonic()

        os.killpg(serve.pid, stop_signal)
        deadline = signalled + 20
        while (serve.poll() is None or _alive(started) or _answers(port)) and time.monotonic() < deadline:
            time.sleep(0.3)
        took = time.monotonic() - signalled

        assert serve.poll() is not None, "serve still runs 20 s after the signal"
        assert _alive(started) == [], "processes started by serve outlived it"
        assert not _answers(port), "the web server still answers"
        assert took < serve_command.GRACE_SECONDS, f"the children had to be killed ({took:.1f} s)"
    finally:
        _kill_all(serve)


@pytest.mark.parametrize(
    ("stop_signal", "background_job"),
    [(signal.SIGINT, False), (signal.SIGTERM, True)],
    ids=["interrupted", "terminated-background-job"],
)
def test_stopping_serve_alone_stops_the_web_server_and_the_cluster(tmp_path, stop_signal, background_job):
    """A background job (`make run &`, nohup) starts with SIGINT ignored, and so do its children."""
    serve, port = _start_serve(tmp_path, background_job=background_job)
    try:
        started = _descendants(serve.pid)
        assert len(started) >= 2  # the web server and the cluster, with their own children

        serve.send_signal(stop_signal)  # only serve is signalled, as by an IDE or `kill`
        serve.wait(timeout=30)

        deadline = time.monotonic() + 10
        while (_alive(started) or _answers(port)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _answers(port), "the web server still answers after serve stopped"
        assert _alive(started) == [], "processes started by serve outlived it"
    finally:
        _kill_all(serve)
