"""Command line (typer + rich): thin wrappers over xxgk.api; messages for people are in Chinese."""

from xxgk.cli.app import app, main

__all__ = ["app", "main"]
