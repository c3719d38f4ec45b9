"""Statistical division codes (统计用区划代码) of townships and counties."""

from __future__ import annotations

__all__ = ["PROVINCE_CODES", "check_township_code", "check_county_code", "check_city_code", "county_of", "city_of"]

# First two digits of every province-level division (incl. Taiwan, Hong Kong, Macao).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def check_township_code(code: str) -> str | None:
    """Return the 9-digit township code, or None if ``code`` is not a valid one.

    Accepts the 9-digit township code or the 12-digit form whose village part is ``000``.
    The province must exist, the township part (digits 7-9) must not be zero, nor may
    digits 3-6 all be (that would be the province itself). The county part (5-6) alone
    may be ``00``: townships of prefecture-level cities without counties (东莞 4419,
    中山 4420, 儋州 4604) sit directly under the city; Macao's prefecture part is 00.
    """
    code = code.strip()
    if len(code) == 12 and code.endswith("000"):
        code = code[:9]
    if len(code) != 9 or not code.isascii() or not code.isdigit():
        return None
    if code[:2] not in PROVINCE_CODES or code[2:6] == "0000" or code[6:9] == "000":
        return None
    return code


def check_county_code(code: str) -> str | None:
    """Return the 6-digit county-level code, or None if ``code`` is not a valid one.

    ``441900`` (a city without counties, which plays the county's part) is valid.
    """
    code = code.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    if code[:2] not in PROVINCE_CODES or code[2:6] == "0000":
        return None
    return code


def county_of(township_code: str) -> str:
    """The county part (first six digits) of a township code."""
    return township_code[:6]


def check_city_code(code: str) -> str | None:
    """Return the 4-digit prefecture-level (city) code, or None if it is not a valid one."""
    code = code.strip()
    if len(code) != 4 or not code.isascii() or not code.isdigit():
        return None
    if code[:2] not in PROVINCE_CODES:
        return None
    return code


def city_of(county_code: str) -> str:
    """The city part (first four digits) of a county or township code."""
    return county_code[:4]
