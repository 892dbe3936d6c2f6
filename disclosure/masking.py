"""What a natural person's data looks like on the public site (pure functions, no database).

A party that is a natural person, or an 个体工商户 registered under the operator's own name, is shown as the
surname and 某某 (张三 → 张某某, 欧阳娜娜 → 欧阳某某). Identity numbers, phone numbers and personal addresses are
private fields (disclosure/public_fields.py) and never copied into a publication; the text fields that are
copied are also searched for anything shaped like an identity number or a phone number, and publication is
refused when one is found, because a number typed into the facts of a case is just as private.
"""

from __future__ import annotations

import re

# 复姓 common enough to appear in a case file; a two-character name that starts with one of these is taken as
# surname + given name all the same (司马 as a whole name is rarer than 司 + 马).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "令狐", "轩辕", "端木", "澹台", "申屠", "太史", "南宫", "西门", "独孤", "百里", "呼延", "闻人", "万俟",
    "赫连", "钟离", "宗政", "濮阳", "公冶", "仲孙", "单于", "司空", "亓官", "拓跋", "完颜", "左丘", "东郭",
)  # fmt: skip
MASK = "某某"

# 18-digit 居民身份证号 (last may be X) and the old 15-digit one; 11-digit mainland mobile numbers;
# fixed-line numbers with an area code (021-12345678). Digits run together with spaces or hyphens count too.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])")
_OLD_ID_NUMBER = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)")
PRIVATE_PATTERNS = (
    ("身份证号码", _ID_NUMBER),
    ("身份证号码", _OLD_ID_NUMBER),
    ("手机号码", _MOBILE),
    ("电话号码", _LANDLINE),
)


def surname_of(name: str) -> str:
    name = name.strip()
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname
    return name[:1]


def masked_name(name: str) -> str:
    """张三 → 张某某."""
    surname = surname_of(name)
    return f"{surname}{MASK}" if surname else MASK


def mask_in_text(text: str, full_name: str) -> str:
    """Every occurrence of the person's full name in ``text`` replaced by the masked name."""
    full_name = full_name.strip()
    if len(full_name) < 2:
        return text
    return text.replace(full_name, masked_name(full_name))


def private_numbers_in(text: str) -> list[str]:
    """What kinds of private number ``text`` seems to contain (身份证号码, 手机号码, 电话号码), each once."""
    found: list[str] = []
    for label, pattern in PRIVATE_PATTERNS:
        if pattern.search(text) and label not in found:
            found.append(label)
    return found
