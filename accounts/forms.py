from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


class TokenField(forms.CharField):
    def to_python(self, value):
        # authenticator apps show "123 456"; people type what they see
        return "".join(str(super().to_python(value)).split())


class TokenForm(forms.Form):
    token = TokenField(
        label="验证码",
        max_length=12,
        validators=[RegexValidator(r"^[0-9]{6}$", "请输入 6 位数字。")],
        help_text="身份验证器应用（如 Microsoft Authenticator、FreeOTP、Google 身份验证器）上当前显示的 6 位数字。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise ValidationError("新密码不能与原密码相同。", code="password_unchanged")
        return password
