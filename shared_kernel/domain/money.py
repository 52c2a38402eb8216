"""Money: a Decimal amount in an ISO 4217 currency, kept to the currency's minor unit.

Rounding is stated once: amounts are quantized to the currency's minor-unit places with
ROUND_HALF_EVEN (banker's rounding), both when a Money is made and after multiplication.
Arithmetic between two currencies is refused, never converted.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Self

from shared_kernel.domain.errors import RuleViolated

# Minor-unit places per ISO 4217 where they differ from 2.
_MINOR_UNITS: dict[str, int] = {
    "BHD": 3, "CLP": 0, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "OMR": 3,
    "PYG": 0, "TND": 3, "UGX": 0, "VND": 0, "XAF": 0, "XOF": 0,
}  # fmt: skip
ROUNDING = ROUND_HALF_EVEN


class CurrencyMismatch(RuleViolated):
    title = "Currencies differ"
    code = "currency_mismatch"


def minor_unit_places(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def _validated_currency(currency: str) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise RuleViolated(f"'{currency}' is not an ISO 4217 currency code.")
    return currency.upper()


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        currency = _validated_currency(self.currency)
        if not isinstance(self.amount, Decimal):
            raise RuleViolated("A Money amount is a Decimal; use Money.of() for strings and ints.")
        amount = self.amount
        if not amount.is_finite():
            raise RuleViolated("An amount must be finite.")
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", _quantize(amount, currency))

    @classmethod
    def of(cls, amount: "Decimal | int | str", currency: str) -> Self:
        """Money from a decimal string or int; floats are refused, they cannot be exact."""
        if isinstance(amount, float):
            raise RuleViolated("Money is never made from a float; pass a string or Decimal.")
        try:
            decimal_amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise RuleViolated(f"'{amount}' is not a decimal amount.") from exc
        return cls(decimal_amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Self:
        return cls(Decimal(0), currency)

    def __add__(self, other: "Money") -> "Money":
        self._require_same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._require_same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: "int | Decimal") -> "Money":
        if isinstance(factor, float | Money):
            raise TypeError("Money multiplies by an int or a Decimal only.")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._require_same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._require_same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        self._require_same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        self._require_same_currency(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def to_dict(self) -> dict[str, str]:
        """The API and event shape: `{"amount": "19.90", "currency": "EUR"}`."""
        return {"amount": str(self.amount), "currency": self.currency}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Self:
        return cls.of(data["amount"], data["currency"])

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def _require_same_currency(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}.")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}.")


def _quantize(amount: Decimal, currency: str) -> Decimal:
    places = minor_unit_places(currency)
    try:
        return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
    except InvalidOperation as exc:  # more digits than Decimal's context holds
        raise RuleViolated(f"'{amount}' is too large an amount.") from exc
