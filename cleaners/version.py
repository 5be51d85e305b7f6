"""The engine's version (part of every cache key): a module of its own, so the modules the package imports can
read it without importing the package back."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsread")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
