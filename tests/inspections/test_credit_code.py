import pytest
from django.core.exceptions import ValidationError

from inspections.validators import credit_code_problem, normalize_credit_code, validate_credit_code
from tests.inspections.records_helpers import VALID_CODES


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_codes_pass(code):
    assert credit_code_problem(code) is None
    validate_credit_code(code)


def test_lower_case_and_spaces_are_normalised():
    assert normalize_credit_code(" 9144 0300 7152 6726xg ") == "9144030071526726XG"
    validate_credit_code("9144030071526726xg")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9144030071526726XH", "校验位错误（按GB 32100-2015应为“G”）"),
        ("914403001922038217", "校验位错误（按GB 32100-2015应为“6”）"),
        ("9144030071526726X", "应为18位，“9144030071526726X”为17位"),
        ("9144030071526726XGG", "为19位"),
        ("91440300715267I6XG", "不允许的字符“I”"),
        ("91440300715267O6ZG", "不允许的字符“O、Z”"),
        ("", "为0位"),
    ],
)
def test_invalid_codes_say_why_in_chinese(code, reason):
    assert reason in credit_code_problem(code)
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert reason in info.value.messages[0]


def test_every_single_character_change_is_caught():
    # The GB 32100 weights make any one wrong character detectable.
    code = VALID_CODES[0]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(18):
        for replacement in alphabet:
            if replacement != code[position]:
                changed = code[:position] + replacement + code[position + 1 :]
                assert credit_code_problem(changed) is not None, changed
