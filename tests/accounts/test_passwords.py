"""Password rules and the periodic password change (等保 2.0 8.1.4.1 a)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.password_validation import CharacterClassesValidator
from tests.conftest import make_user

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OLD_PASSWORD = "Test-pass-2024"  # tests/conftest.py make_user


def errors(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短，至少需要 8 个字符。"),
        ("abcdefgh12", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("ABCDEFGH!!", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("zhifaguifanhua", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("P@ssw0rd", "这个密码太常见了，请换一个不易被猜到的密码。"),  # in Django's list of 20,000
        ("Admin@123", "这个密码太常见了，请换一个不易被猜到的密码。"),  # in accounts/common_passwords_cn.txt
        ("1qaz@WSX", "这个密码太常见了，请换一个不易被猜到的密码。"),
        ("12345678", "密码只包含数字。"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(db, password, message):
    found = errors(password)
    assert message in found
    assert all(CHINESE.search(m) for m in found), found


def test_the_username_may_not_be_the_password_nor_in_it(alice):
    for password in ("alice", "Alice@2024xyz", "x!ECILA#9k", "9#ALICE-Zz"):
        assert "密码不能是用户名，也不能包含用户名。" in errors(password, alice), password
    assert errors("Kx7#mq2p!Lw", alice) == []


def test_good_passwords_and_the_demo_password_pass(alice):
    for password in ("Demo@2024cn", "Kx7#mq2p!Lw", "huanbao-Jc-2025", "环保执法Ab12"):
        assert errors(password, alice) == [], password


def test_character_classes_are_counted_per_kind():
    assert CharacterClassesValidator.classes_in("aA1!") == {"大写字母", "小写字母", "数字", "符号"}
    assert CharacterClassesValidator.classes_in("abc123") == {"小写字母", "数字"}
    # three of four is the rule: any three will do
    CharacterClassesValidator().validate("abc123!!")
    with pytest.raises(ValidationError):
        CharacterClassesValidator(min_classes=4).validate("abc123!!")


def test_the_admin_refuses_a_weak_password_for_a_new_user(client, adam, changning):
    # client is tests/conftest.py's: adam has passed the second factor
    client.force_login(adam)
    data = {"username": "newbie", "password1": "abcdefgh", "password2": "abcdefgh", "usable_password": "true"}
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in response.content.decode()
    assert not type(adam).objects.filter(username="newbie").exists()


# --- the password's age -------------------------------------------------------------------------------


def test_every_way_of_setting_a_password_records_when(changning):
    before = timezone.now()
    user = make_user("carol", changning, None)  # create_user
    assert user.password_changed_at >= before
    type(user).objects.filter(pk=user.pk).update(password_changed_at=before - timedelta(days=100))
    user.refresh_from_db()
    user.set_password("Kx7#mq2p!Lw")
    user.save()
    user.refresh_from_db()
    assert user.password_changed_at >= before


def age_password(user, days: int) -> None:
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def test_an_expired_password_must_be_changed_before_anything_else(alice, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(alice, 91)
    browser = Client()
    browser.force_login(alice)

    response = browser.get(reverse("assessment:list"), follow=True)
    assert response.redirect_chain == [(reverse("accounts:password-change"), 302)]
    page = response.content.decode()
    assert "您的密码已超过 90 天未修改，请先修改密码后继续使用。" in page
    assert "修改密码" in page
    # records, the admin: the same
    assert browser.get(reverse("inspections:statistics"))["Location"] == reverse("accounts:password-change")
    # logout still works
    assert browser.post(reverse("accounts:logout")).status_code == 302


def test_changing_the_expired_password_lets_the_user_back_in(alice, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(alice, 91)
    browser = Client()
    browser.force_login(alice)
    change = reverse("accounts:password-change")

    weak = browser.post(change, {"old_password": OLD_PASSWORD, "new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and "密码太短，至少需要 8 个字符。" in weak.content.decode()
    same = {"old_password": OLD_PASSWORD, "new_password1": OLD_PASSWORD, "new_password2": OLD_PASSWORD}
    assert "新密码不能与原密码相同。" in browser.post(change, same).content.decode()

    done = browser.post(
        change, {"old_password": OLD_PASSWORD, "new_password1": "Kx7#mq2p!Lw", "new_password2": "Kx7#mq2p!Lw"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("home")
    alice.refresh_from_db()
    assert alice.check_password("Kx7#mq2p!Lw")
    assert timezone.now() - alice.password_changed_at < timedelta(minutes=1)
    assert browser.get(reverse("assessment:list")).status_code == 200


def test_a_password_younger_than_the_limit_or_a_limit_of_zero_sends_nobody_away(alice, settings):
    browser = Client()
    browser.force_login(alice)
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(alice, 89)
    assert browser.get(reverse("assessment:list")).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0
    age_password(alice, 4000)
    assert browser.get(reverse("assessment:list")).status_code == 200


def test_a_leader_with_an_expired_password_passes_the_second_factor_first(lea, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(lea, 91)
    browser = Client()
    browser.force_login(lea)
    # the password page too is out of reach before the second factor
    response = browser.get(reverse("accounts:password-change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp-verify"))


def test_the_password_change_page_needs_a_login(db):
    response = Client().get(reverse("accounts:password-change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
