from decimal import Decimal

import pytest

from shared_kernel.domain.errors import RuleViolated
from shared_kernel.domain.money import CurrencyMismatch, Money, minor_unit_places


def test_amount_is_kept_to_the_currency_minor_unit() -> None:
    assert Money.of("19.9", "EUR").amount == Decimal("19.90")
    assert str(Money.of("19.9", "EUR").amount) == "19.90"
    assert Money.of("1500", "JPY").amount == Decimal("1500")
    assert str(Money.of("1.2345", "KWD").amount) == "1.234"


def test_rounding_is_half_even_as_stated() -> None:
    assert Money.of("0.125", "EUR").amount == Decimal("0.12")
    assert Money.of("0.135", "EUR").amount == Decimal("0.14")


def test_currency_code_is_normalized_and_validated() -> None:
    assert Money.of("1", "eur").currency == "EUR"
    with pytest.raises(RuleViolated):
        Money.of("1", "EURO")
    with pytest.raises(RuleViolated):
        Money.of("1", "E1R")


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", "1e40"])
def test_non_decimal_or_non_finite_amounts_are_refused(amount: str) -> None:
    with pytest.raises(RuleViolated):
        Money.of(amount, "EUR")


def test_floats_are_refused_because_they_are_not_exact() -> None:
    with pytest.raises(RuleViolated):
        Money.of(0.1, "EUR")  # type: ignore[arg-type]


def test_addition_subtraction_and_multiplication() -> None:
    price = Money.of("19.90", "EUR")
    assert price + Money.of("0.10", "EUR") == Money.of("20.00", "EUR")
    assert price - Money.of("20", "EUR") == Money.of("-0.10", "EUR")
    assert price * 3 == Money.of("59.70", "EUR")
    assert 3 * price == Money.of("59.70", "EUR")
    assert price * Decimal("0.333") == Money.of("6.63", "EUR")
    assert -price == Money.of("-19.90", "EUR")


def test_mixed_currencies_are_refused_not_converted() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "EUR") + Money.of("1", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1", "EUR") < Money.of("2", "USD")


def test_multiplying_by_a_float_or_money_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money.of("1", "EUR") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money.of("1", "EUR") * Money.of("1", "EUR")  # type: ignore[operator]


def test_comparisons_and_predicates() -> None:
    low, high = Money.of("1", "EUR"), Money.of("2", "EUR")
    assert low < high <= high
    assert high > low >= low
    assert Money.zero("EUR").is_zero
    assert high.is_positive
    assert not (-high).is_positive


def test_equal_amounts_with_different_written_precision_are_equal_and_hash_alike() -> None:
    assert Money.of("5", "EUR") == Money.of("5.00", "EUR")
    assert hash(Money.of("5", "EUR")) == hash(Money.of("5.00", "EUR"))


def test_round_trips_through_the_api_shape() -> None:
    money = Money.of("19.90", "EUR")
    assert money.to_dict() == {"amount": "19.90", "currency": "EUR"}
    assert Money.from_dict(money.to_dict()) == money
    assert Money.from_dict({"amount": "1500", "currency": "JPY"}).to_dict() == {
        "amount": "1500",
        "currency": "JPY",
    }


def test_minor_unit_places_default_to_two() -> None:
    assert minor_unit_places("EUR") == 2
    assert minor_unit_places("JPY") == 0
    assert minor_unit_places("BHD") == 3


def test_money_is_immutable() -> None:
    money = Money.of("1", "EUR")
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]
