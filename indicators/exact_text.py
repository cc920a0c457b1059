"""How an exact value (a Fraction from the scoring engine) is written: the
exact decimal text kept in snapshots and the half-up display the published
results use. Pure Python; `indicators.scoring` offers the same names."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

EXACT_DECIMAL_PLACES = 10


def to_decimal(value: Fraction) -> Decimal:
    """Exact when the value terminates; otherwise 28 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 28
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return quotient


def exact_string(value: Fraction) -> str:
    """Plain decimal without superfluous zeros: '3.7885', '4', '2.8181818181'
    (a repeating value is cut after EXACT_DECIMAL_PLACES decimals)."""
    denominator = value.denominator
    # The value terminates after max(a, b) places when the denominator is
    # 2**a * 5**b; counting factors beats trying 10**places one by one.
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    places = min(max(twos, fives), EXACT_DECIMAL_PLACES) if rest == 1 else EXACT_DECIMAL_PLACES
    text = format(Decimal(value.numerator * 10**places // denominator).scaleb(-places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display(value: Fraction, places: int = 2) -> str:
    """Half-up rounding of the exact value, as the published results round:
    4.765 -> '4.77', 4.745 -> '4.75'. Integer arithmetic, so no tie is lost."""
    # floor(value * 10**places + 1/2) on integers (an int has a numerator
    # and denominator too), since Fraction operations dominate bulk runs.
    scaled = (2 * value.numerator * 10**places + value.denominator) // (2 * value.denominator)
    return format(Decimal(scaled).scaleb(-places), "f")


def rounded(value: Fraction | None, places: int = 2) -> Decimal | None:
    """`display()` as a Decimal (None stays None), for tables and cells."""
    return None if value is None else Decimal(display(value, places))
