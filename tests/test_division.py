import pytest

from fazhi_tui.base.division import PROVINCE_CODES, check_county_code, check_township_code, county_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("640302100", "640302100"),  # 金星镇, 利通区, 吴忠市
        ("640302100000", "640302100"),  # 12-digit form, village part 000
        (" 640302100 ", "640302100"),
        ("110101001", "110101001"),  # Beijing 东城区
        ("820001001", "820001001"),  # Macao
        ("441900003", "441900003"),  # 东莞 东城街道: a city without counties, county part 00
        ("460400100", "460400100"),  # 儋州 那大镇
    ],
)
def test_valid_township_codes(text, expected):
    assert check_township_code(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "64030210",  # 8 digits
        "6403021000",  # 10 digits
        "640302100001",  # 12 digits with a village part
        "640302100100",
        "6403021000000",  # 13 digits
        "990302100",  # no province 99
        "100302100",  # no province 10
        "640000100",  # digits 3-6 all zero: the province itself
        "640302000",  # township part 000
        "640302000000",  # township part 000 in the 12-digit form
        "64030210a",
        "640-302-100",
        "６４０３０２１００",  # full-width digits
        "٦٤٠٣٠٢١٠٠",  # Arabic-Indic digits
        "64030210\u00b2",  # superscript two: str.isdigit() says yes
        "+64030210",
    ],
)
def test_invalid_township_codes(text):
    assert check_township_code(text) is None


def test_every_province_prefix_is_accepted():
    for prefix in PROVINCE_CODES:
        assert check_township_code(f"{prefix}0101001") == f"{prefix}0101001"
    assert "64" in PROVINCE_CODES and len(PROVINCE_CODES) == 34


@pytest.mark.parametrize(
    "text, expected",
    [("640302", "640302"), (" 640302", "640302"), ("110101", "110101"), ("441900", "441900")],
)
def test_valid_county_codes(text, expected):
    assert check_county_code(text) == expected


@pytest.mark.parametrize("text", ["", "64030", "6403021", "640000", "990302", "64030a", "６４０３０２", "640302100"])
def test_invalid_county_codes(text):
    assert check_county_code(text) is None


def test_county_of():
    assert county_of("640302100") == "640302"
    assert check_county_code(county_of(check_township_code("640302100000"))) == "640302"
