"""Serve the web app and run the django-q2 cluster together; Ctrl-C stops both."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and the task cluster (scheduler) in one command."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options) -> None:
        manage = [sys.executable, "manage.py"]
        # Each child leads a process group of its own, so that stopping reaches what it started
        # too (runserver's autoreloaded server, the cluster's workers) whoever signals serve.
        processes = [
            subprocess.Popen([*manage, "qcluster"], process_group=0),
            subprocess.Popen([*manage, "runserver", f"{host}:{port}"], process_group=0),
        ]
        self.stdout.write(f"Brobyg on http://{host}:{port}/ with its task cluster. Ctrl-C stops both.")
        signal.signal(signal.SIGINT, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(processes)


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each child's process group (SIGINT may be ignored: a background job starts
    with it ignored, and its children inherit that), then SIGKILL what is left after 15 s."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)
