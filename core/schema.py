"""The OpenAPI schema's view inspector: drf-spectacular's, plus the Idempotency-Key header on every
view method marked by core.idempotency.idempotent, so the schema cannot forget one."""

from __future__ import annotations

from drf_spectacular import openapi

from core.idempotency import KEY_PARAMETER


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and getattr(self._view_method(), "idempotent", False):
            parameters.append(KEY_PARAMETER)
        return parameters

    def _view_method(self):
        """The function that answers this operation: a viewset's action, or the method's handler."""
        name = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, name, None)
