import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        # Existing accounts get the day this migration runs: a full period before the first forced change,
        # rather than every one of them being sent to the password-change page at their next login.
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                help_text="超过 PASSWORD_MAX_AGE_DAYS 天未修改密码的用户须先修改密码（等保 身份鉴别）。",
                verbose_name="密码修改时间",
            ),
        ),
    ]
