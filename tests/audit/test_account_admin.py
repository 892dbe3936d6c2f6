"""Changes to accounts made in the Django admin are in the audit trail (等保: 账号的增删改可追溯)."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent


def test_disabling_an_account_in_the_admin_is_audited(client, adam, alice):
    client.force_login(adam)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["groups"] = [g.pk for g in alice.groups.all()]
    data["is_active"] = ""
    for key in ("date_joined", "last_login"):
        value = form[key].value() if key in form.fields else None
        if value:
            local = timezone.localtime(value)  # the admin's split widget takes Asia/Shanghai wall time
            data[f"{key}_0"], data[f"{key}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
    data = {k: v for k, v in data.items() if k not in ("date_joined", "last_login", "password", "password_changed_at")}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=alice.pk).is_active
    event = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(alice.pk)).latest("at")
    assert (event.actor, event.action) == (adam, AuditEvent.Action.UPDATE)
    assert event.changes == {"is_active": [True, False]}  # what changed, and nothing else
