"""A Reflex plugin: every build of the same code gives the same asset names, on any machine.

Reflex bundles `.web/reflex.json` whole into the frontend (utils/state.js reads only its `version`), and
that file holds a random project hash and the time of the last `reflex run`. So each `make run` names its
chunks anew, and behind a load balancer a page from one instance asks the other for chunks it does not
have (404): the page never starts. The plugin inlines the version instead of importing the file.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base import constants

STATE_JS = "utils/state.js"
REFLEX_JSON_IMPORT = f'import reflexEnvironment from "$/{constants.Reflex.JSON}";'


def inline_version(code: str) -> str:
    """utils/state.js without the reflex.json import: the one value it reads, as a constant."""
    constant = f"const reflexEnvironment = {json.dumps({'version': constants.Reflex.VERSION})};"
    return code.replace(REFLEX_JSON_IMPORT, constant)


class ReproducibleBuild(rx.plugins.Plugin):
    """Rewrites utils/state.js before each build (see the module)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](STATE_JS, inline_version)
