"""The browsable API's renderer, in a module of its own: DRF imports it from the settings while
its own renderers module is still loading, so it cannot live beside the serializers' helpers."""

from __future__ import annotations

from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API without the <style> element it writes for Pygments' colours: the
    Content Security Policy allows styles from files only (config/settings.py), so browsers
    refused it and reported a violation on every page. Nothing but syntax colouring is lost."""

    def get_context(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(*args, **kwargs)
        context["code_style"] = None
        return context
