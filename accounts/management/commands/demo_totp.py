"""python manage.py demo_totp changning_leader — the current code of a demo account's authenticator."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, current_demo_code
from accounts.models import User


class Command(BaseCommand):
    help = "显示演示账号（seed_demo 创建，使用公开的演示密钥）的当前 6 位验证码。不能用于真实账号。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示账号，如 changning_leader、xuhui_leader、admin")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户“{username}”。")
        # Only the published demo secret: this command must not become a way to read a real user's codes.
        if not TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY).exists():
            raise CommandError(f"用户“{username}”没有使用演示密钥的身份验证器（只有 seed_demo 创建的演示账号有）。")
        code, seconds = current_demo_code()
        self.stdout.write(code)
        self.stderr.write(f"（演示密钥 {DEMO_TOTP_SECRET}；该验证码还有 {seconds} 秒有效，每个验证码只能使用一次）")
