from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the `load_demo` command; no models of its own."""

    name = "demo"
    verbose_name = "Demo"
