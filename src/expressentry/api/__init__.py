"""The HTTP API (FastAPI): ``from expressentry.api import create_app``."""

from expressentry.api.app import create_app

__all__ = ["create_app"]
