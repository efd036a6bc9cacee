"""Serve the web app and run the django-q2 cluster together; Ctrl-C stops both."""

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
        processes = [
            subprocess.Popen([*manage, "qcluster"]),
            subprocess.Popen([*manage, "runserver", f"{host}:{port}"]),
        ]
        self.stdout.write(f"Brobyg on http://{host}:{port}/ with its task cluster. Ctrl-C stops both.")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
