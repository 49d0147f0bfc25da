"""The root `autodevhub` click group; the command modules attach their groups and commands to it."""

from __future__ import annotations

import click

from autodevhub.core.settings import settings_or_exit


@click.group()
def main() -> None:
    """AutoDevHub: AI-powered DevOps tracker."""
    settings_or_exit()
