import pytest

from shared_kernel.application.provider import Provider


def test_a_provider_not_wired_says_so():
    with pytest.raises(RuntimeError, match="The thing is not wired"):
        Provider[str]("The thing")()


def test_overridden_puts_back_what_was_provided():
    provider = Provider[str]("The thing")
    provider.provide("real")
    with provider.overridden("fake") as value:
        assert value == "fake"
        assert provider() == "fake"
    assert provider() == "real"


def test_overridden_puts_back_nothing_when_nothing_was_provided():
    provider = Provider[str]("The thing")
    with pytest.raises(ValueError, match="in the block"), provider.overridden("fake"):
        raise ValueError("in the block")
    with pytest.raises(RuntimeError):
        provider()
