from __future__ import annotations

import pytest

from disclosure.masking import mask_in_text, masked_name, private_numbers_in


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三", "张某某"), ("王小明", "王某某"), ("欧阳娜娜", "欧阳某某"), ("司马光", "司马某某"), ("李", "李某某")],
)
def test_a_person_is_shown_by_surname(name, shown):
    assert masked_name(name) == shown


def test_the_full_name_is_masked_inside_text():
    assert mask_in_text("张三在河道倾倒垃圾，张三承认。", "张三") == "张某某在河道倾倒垃圾，张某某承认。"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("身份证310105198807141234", ["身份证号码"]),
        ("身份证31010519880714123X号", ["身份证号码"]),
        ("电话139 1234 5678", ["手机号码"]),
        ("座机021-62345678", ["电话号码"]),
        ("罚款人民币50000元，《大气污染防治法》第一百零八条", []),
        ("长环罚〔2024〕12号", []),
    ],
)
def test_private_numbers_are_found(text, found):
    assert private_numbers_in(text) == found
