"""The build plugin takes reflex.json out of state.js, so two builds of the same code name chunks alike."""

from __future__ import annotations

from pathlib import Path

import reflex_base

from autodevhub.reproducible_build import REFLEX_JSON_IMPORT, STATE_JS, inline_version

TEMPLATE = Path(reflex_base.__file__).parent / ".templates" / "web" / STATE_JS


def test_the_state_js_reflex_ships_loses_its_reflex_json_import() -> None:
    shipped = TEMPLATE.read_text()
    assert shipped.count(REFLEX_JSON_IMPORT) == 1  # a Reflex upgrade that moves it must update the plugin
    rewritten = inline_version(shipped)
    assert "reflex.json" not in rewritten
    assert 'const reflexEnvironment = {"version": "' in rewritten
    assert inline_version(rewritten) == rewritten  # a later build finds nothing more to change
