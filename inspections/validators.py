"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters: 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6), 主体标识码 (9, the
GB 11714 organisation code) and a check character. The check character is computed over the first 17
with weights 3^(i) mod 31 from the 31-character alphabet below (no I, O, S, V, Z, to avoid misreading).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from common.text import clipped, invisible_characters

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    # People type codes with lower-case letters and stray spaces; the code itself is upper-case.
    return "".join(value.split()).upper()


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid credit code, in Chinese; None when it is valid."""
    hidden = invisible_characters(code)
    if hidden:
        # Checked first: with an invisible character the code looks right and its length looks wrong.
        visible = "".join(c for c in code if f"U+{ord(c):04X}" not in hidden)
        return f"统一社会信用代码“{clipped(visible)}”中含有不可见字符（{'、'.join(hidden)}），请删除后重新填写"
    if len(code) != CREDIT_CODE_LENGTH:
        return f"统一社会信用代码应为18位，“{clipped(code)}”为{len(code)}位"
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"统一社会信用代码“{code}”含有不允许的字符“{'、'.join(bad)}”（不使用I、O、S、V、Z）"
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码“{code}”校验位错误（按GB 32100-2015应为“{expected}”），请核对"
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(normalize_credit_code(value or ""))
    if problem:
        raise ValidationError(problem + "。", code="invalid_credit_code")
