"""Imports a module that is not installed, as an extension with a missing dependency does."""

import pluginary_dependency_that_is_not_installed  # type: ignore[import-not-found]  # noqa: F401
