"""What every benchmark does first: run under the project's .venv and import the project."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def use_project_interpreter(script: str) -> None:
    """Re-run `script` under .venv/bin/python when started with another interpreter, and put
    the project on sys.path."""
    python = VENV / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
