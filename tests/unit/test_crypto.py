"""core.crypto: AES-GCM under an HKDF key from the instance secret, bound to a purpose and a context."""

from __future__ import annotations

import pytest

from autodevhub.core import crypto
from autodevhub.core.settings import get_settings

KEY = "k" * 40


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTODEVHUB_SECRET_KEY", KEY)
    get_settings.cache_clear()


def test_a_sealed_value_opens_only_with_its_purpose_and_context():
    sealed = crypto.seal("github_pat_abc", purpose="project-github-token", context="p1")

    assert sealed.startswith("v1.") and "github_pat_abc" not in sealed
    assert sealed != crypto.seal("github_pat_abc", purpose="project-github-token", context="p1")  # nonce
    assert crypto.unseal(sealed, purpose="project-github-token", context="p1") == "github_pat_abc"
    for purpose, context in (("project-github-token", "p2"), ("channel-url", "p1")):
        with pytest.raises(crypto.SealedValueUnreadable):
            crypto.unseal(sealed, purpose=purpose, context=context)


def test_another_instance_secret_or_an_altered_value_does_not_open(monkeypatch: pytest.MonkeyPatch):
    sealed = crypto.seal("token", purpose="p", context="c")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    for value in (tampered, "plain text", "v1.!!"):
        with pytest.raises(crypto.SealedValueUnreadable):
            crypto.unseal(value, purpose="p", context="c")

    monkeypatch.setenv("AUTODEVHUB_SECRET_KEY", "x" * 40)
    get_settings.cache_clear()
    with pytest.raises(crypto.SealedValueUnreadable):
        crypto.unseal(sealed, purpose="p", context="c")
