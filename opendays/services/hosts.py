"""See opendays/services/__init__.py."""
