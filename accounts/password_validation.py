"""Password rules of 等保 2.0 (GB/T 22239-2019, 8.1.4.1 a: 身份鉴别信息具有复杂度要求), in Chinese.

Django's own validators are used where their messages are already Chinese; the length validator is
subclassed because Django 5.2's zh-hans catalogue lacks its plural message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError

EXTRA_COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords_cn.txt"


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    CLASSES = ("大写字母", "小写字母", "数字", "符号")

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> set[str]:
        found = set()
        for char in password:
            if char.isascii() and char.isupper():
                found.add("大写字母")
            elif char.isascii() and char.islower():
                found.add("小写字母")
            elif char.isdigit():
                found.add("数字")
            else:
                # anything else (punctuation, space, a Chinese character) makes guessing harder in the same way
                found.add("符号")
        return found

    def validate(self, password: str, user: Any = None) -> None:
        if len(self.classes_in(password)) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_few_character_classes")

    def get_error_message(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"

    def get_help_text(self) -> str:
        return self.get_error_message()


class UsernameValidator:
    """The password may not be the username, contain it, or be it backwards (case ignored)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if not username:
            return
        lowered = password.lower()
        same = lowered in (username, username[::-1])
        # a two-letter username inside a long password is coincidence, not a weakness
        contains = len(username) >= 3 and (username in lowered or username[::-1] in lowered)
        if same or contains:
            raise ValidationError(self.get_error_message(), code="password_contains_username")

    def get_error_message(self) -> str:
        return "密码不能是用户名，也不能包含用户名。"

    def get_help_text(self) -> str:
        return "密码不能包含用户名。"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, plus the patterns weak-password scans in China try first
    (``Admin@123`` and the like), which pass the length and character-class rules."""

    def __init__(self, password_list_path: Any = django_validation.CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH):
        super().__init__(password_list_path)
        with open(EXTRA_COMMON_PASSWORDS, encoding="utf-8") as f:
            self.passwords |= {line.strip().lower() for line in f if line.strip() and not line.startswith("#")}

    def get_error_message(self) -> str:
        return "这个密码太常见了，请换一个不易被猜到的密码。"

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


class AuditPasswordChange:
    """Not a rule: Django calls ``password_changed`` of every configured validator after any save that set a
    password (AbstractBaseUser.save), whatever set it: the password page, the admin's add and change-password
    forms, ``manage.py changepassword``. So no path that sets a password escapes the audit trail."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from accounts import services
        from audit.context import current_user

        services.record_password_set(user=user, actor=current_user())

    def get_help_text(self) -> str:
        return "由他人（如管理员）设置的密码，用户下次登录时须改为自己的密码。"
