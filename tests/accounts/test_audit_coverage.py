"""Every service that changes state in a transaction records it in the audit log: a new
service without `@audited` (or an `audit_record` call) fails here."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "companies", "schools", "notifications", "bookings", "adoptions", "opendays", "overview"]
# Bookings' own state changes (create, move, cancel, confirm, decline, the waitlist) record
# their entries in their hot-path statements; they are checked with bookings.
BOOKING_STATE_MODULES = {
    "bookings/services/" + name for name in ("bookings.py", "waitlist.py", "states.py", "private.py")
}


def service_modules() -> list[Path]:
    modules: list[Path] = []
    for app in APPS:
        modules += [ROOT / app / "services.py"] if (ROOT / app / "services.py").exists() else []
        modules += sorted((ROOT / app / "services").glob("*.py")) if (ROOT / app / "services").exists() else []
    return [path for path in modules if str(path.relative_to(ROOT)) not in BOOKING_STATE_MODULES]


def decorator_names(function: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(ast.unparse(target))
    return names


def calls_audit_record(function: ast.FunctionDef) -> bool:
    return any(isinstance(node, ast.Call) and ast.unparse(node.func) == "audit_record" for node in ast.walk(function))


def test_every_transactional_service_records_an_audit_entry():
    unaudited = []
    for path in service_modules():
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            decorators = decorator_names(node)
            if "transaction.atomic" in decorators and "audited" not in decorators and not calls_audit_record(node):
                unaudited.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert unaudited == []


def test_the_check_sees_the_services():
    """The check above is not vacuous: it reads the modules that hold the services."""
    names = {path.name for path in service_modules()}
    assert {"services.py", "slots.py", "plans.py", "days.py", "initiatives.py"} <= names
