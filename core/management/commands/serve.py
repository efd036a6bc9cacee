"""Serve the web app and run the django-q2 cluster together; Ctrl-C or SIGTERM stops both."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

from django.core.management.base import BaseCommand

# How long the children have to stop on their own before they are killed.
GRACE_SECONDS = 10


@dataclass(frozen=True)
class Child:
    """A process serve started, leading a process group of its own. `ask_group` says whether
    stopping is asked of the whole group or of the child alone."""

    process: subprocess.Popen
    ask_group: bool


class Command(BaseCommand):
    help = "Run the web server and the task cluster (scheduler) in one command."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options) -> None:
        manage = [sys.executable, "manage.py"]
        # Whoever signals serve (Ctrl-C, an IDE's stop button, `kill`, a supervisor signalling
        # serve's process group), serve stops its children itself.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        children: list[Child] = []
        try:
            # Each child leads a process group of its own, so that killing reaches what it
            # started too (runserver's autoreloaded server, the cluster's sentinel and workers).
            # The cluster is asked alone: its main process stops the sentinel, which stops the
            # workers in order, while a SIGTERM to all of them kills the sentinel (it keeps the
            # default action) and leaves the main process waiting for it for ever. runserver is
            # asked as a group: its autoreloader would die and leave its server running.
            children.append(Child(subprocess.Popen([*manage, "qcluster"], process_group=0), ask_group=False))
            web = subprocess.Popen([*manage, "runserver", f"{host}:{port}"], process_group=0)
            children.append(Child(web, ask_group=True))
            self.stdout.write(f"Brobyg on http://{host}:{port}/ with its task cluster. Ctrl-C stops both.")
            while all(child.process.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(children)


def _interrupt(signal_number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop(children: list[Child]) -> None:
    """SIGTERM to each child (SIGINT may be ignored: a background job starts with it ignored,
    and its children inherit that), then SIGKILL to every child's group once they have all
    stopped or GRACE_SECONDS have passed, for whatever a child left behind."""
    # A second Ctrl-C or SIGTERM must not cut the stopping short and leave children running.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for child in children:
        if child.ask_group:
            _signal_group(child.process, signal.SIGTERM)
        else:
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children:
        _signal_group(child.process, signal.SIGKILL)
        child.process.wait()


def _signal_group(process: subprocess.Popen, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)
