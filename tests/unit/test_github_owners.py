"""AUTODEVHUB_GITHUB_ALLOWED_OWNERS: comma-separated owners, case-insensitive; a bad name stops start-up."""

from __future__ import annotations

import pytest

from autodevhub.core.settings import SettingsError, get_settings, load_settings
from autodevhub.projects.github_access import owner_allowed


def test_owners_are_trimmed_and_case_insensitive(monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS", " Octo-Org ,, acme ")
    assert load_settings().allowed_github_owners == frozenset({"octo-org", "acme"})
    monkeypatch.delenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS")
    assert load_settings().allowed_github_owners == frozenset()


@pytest.mark.parametrize("value", ["octo/shop", "-octo", "a" * 40, "octo org"])
def test_a_bad_owner_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS", f"acme,{value}")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "AUTODEVHUB_GITHUB_ALLOWED_OWNERS" in str(raised.value.code)


def test_owner_allowed_compares_the_owner_only(monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS", "OCTO")
    get_settings.cache_clear()
    assert owner_allowed("octo/shop") and owner_allowed("Octo/Other")
    assert not owner_allowed("octopus/shop") and not owner_allowed("acme/octo")
