"""The pages, one module per audience. Importing the package registers the <id:...> path
converter, which the modules' own urlpatterns use."""

from web import converters  # noqa: F401
