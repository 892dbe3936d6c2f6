"""The standard in the Django admin, as adam (管理员) uses it: edit a draft, publish with the maxima checked,
a published standard frozen, and "复制为新版本"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from assessment import services
from assessment.models import Indicator, RuleItem, Standard, System
from tests.conftest import make_user

CHANGELIST = "admin:assessment_standard_changelist"


def change_url(obj) -> str:
    return reverse(f"admin:assessment_{obj._meta.model_name}_change", args=[obj.pk])


def _form_values(form, data: dict) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[form.add_prefix(name)] = str(value)


def change_form_data(client, obj, **changes) -> dict:
    """The admin change form of obj as the browser would send it back: the fields, every inline's management
    form and rows, with ``changes`` applied (keys are POST names, such as ``max_score`` or ``indicators-0-max_score``).
    """
    response = client.get(change_url(obj))
    assert response.status_code == 200
    data: dict = {}
    _form_values(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_values(formset.management_form, data)
        for form in formset.forms:
            _form_values(form, data)
    unknown = set(changes) - set(data)
    assert not unknown, f"not in the form: {unknown}"
    data.update({key: str(value) for key, value in changes.items()})
    return data


def inline_row(data: dict, prefix: str, pk: int) -> str:
    """The POST prefix (such as ``indicators-2``) of the inline row for the object with this pk."""
    return next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith(prefix) and key.endswith("-id") and value == str(pk)
    )


def run_action(client, action: str, *standards: Standard):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [s.pk for s in standards], "index": "0", "select_across": "0"},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def structure(standard: Standard) -> tuple[int, int, int]:
    return (
        System.objects.filter(standard=standard).count(),
        Indicator.objects.filter(system__standard=standard).count(),
        RuleItem.objects.filter(indicator__system__standard=standard).count(),
    )


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


@pytest.fixture
def draft(standard) -> Standard:
    """Version 2 of the shipped standard, a draft the admin may edit."""
    return services.copy_standard(standard=standard)


def test_admin_changes_an_indicator_max_in_a_draft_and_publishing_checks_the_maxima(admin_client, draft):
    # 4.3 执法装备 has a rule item, so its change form carries the rule-items inline with its management form
    equipment = Indicator.objects.get(system__standard=draft, code="4.3")
    data = change_form_data(admin_client, equipment, max_score="12")
    assert data["rule_items-TOTAL_FORMS"] == "1"
    response = admin_client.post(change_url(equipment), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    equipment.refresh_from_db()
    assert equipment.max_score == Decimal("12")
    assert equipment.rule_items.count() == 1

    # 构建执法保障体系 is 45 but its indicators now add up to 47: refused, naming the system
    response = run_action(admin_client, "publish", draft)
    assert f"“{draft}”未发布：体系“构建执法保障体系”满分为45分，但其指标满分合计为47分。" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Standard.Status.DRAFT

    # raise the system to 47 (through the system's change form and its indicators inline): now the total is off
    security = equipment.system
    data = change_form_data(admin_client, security, max_score="47")
    assert data["indicators-TOTAL_FORMS"] == "6"
    assert admin_client.post(change_url(security), data).status_code == 302
    response = run_action(admin_client, "publish", draft)
    assert f"“{draft}”未发布：各体系满分合计为102分，与标准总分100分不符。" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Standard.Status.DRAFT

    # and the standard's total to 102 (its change form with the systems inline): now it publishes
    data = change_form_data(admin_client, draft, total_max="102")
    assert data["systems-TOTAL_FORMS"] == "4"
    assert admin_client.post(change_url(draft), data).status_code == 302
    response = run_action(admin_client, "publish", draft)
    assert f"已发布“{draft}”。" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Standard.Status.PUBLISHED
    assert draft.published_at is not None


def test_an_indicator_max_changed_through_the_system_inline_is_checked_too(admin_client, draft):
    system = System.objects.get(standard=draft, name="构建执法制度体系")
    first = Indicator.objects.get(system=system, code="1.1")
    data = change_form_data(admin_client, system)
    data[f"{inline_row(data, 'indicators-', first.pk)}-max_score"] = "6"
    assert admin_client.post(change_url(system), data).status_code == 302
    assert Indicator.objects.get(pk=first.pk).max_score == Decimal("6")

    response = run_action(admin_client, "publish", draft)
    assert f"“{draft}”未发布：体系“构建执法制度体系”满分为20分，但其指标满分合计为21分。" in messages_of(response)
    assert Standard.objects.get(pk=draft.pk).status == Standard.Status.DRAFT

    # take the point back from 1.2: the system adds up to 20 again and the standard publishes
    second = Indicator.objects.get(system=system, code="1.2")
    data = change_form_data(admin_client, system)
    data[f"{inline_row(data, 'indicators-', second.pk)}-max_score"] = "4"
    assert admin_client.post(change_url(system), data).status_code == 302
    response = run_action(admin_client, "publish", draft)
    assert f"已发布“{draft}”。" in messages_of(response)
    assert Standard.objects.get(pk=draft.pk).status == Standard.Status.PUBLISHED


def test_an_indicator_max_that_is_not_a_half_step_is_refused_by_the_admin_form(admin_client, draft):
    indicator = Indicator.objects.get(system__standard=draft, code="1.1")
    response = admin_client.post(change_url(indicator), change_form_data(admin_client, indicator, max_score="5.3"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["max_score"]
    assert Indicator.objects.get(pk=indicator.pk).max_score == Decimal("5")


def test_a_published_standard_offers_no_save_and_refuses_a_change(admin_client, standard):
    page = admin_client.get(change_url(standard))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    data = {"name": standard.name, "issuer": standard.issuer, "version": "1", "year_from": "2022", "year_to": "2025"}
    data.update({"total_max": "90", "note": "改过", "systems-TOTAL_FORMS": "0", "systems-INITIAL_FORMS": "0"})
    response = admin_client.post(change_url(standard), data)

    assert response.status_code == 403
    standard.refresh_from_db()
    assert (standard.total_max, standard.status) == (Decimal("100"), Standard.Status.PUBLISHED)


def test_the_indicators_and_systems_of_a_published_standard_cannot_be_changed(admin_client, standard):
    indicator = Indicator.objects.get(system__standard=standard, code="4.3")
    system = indicator.system
    page = admin_client.get(change_url(indicator))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    indicator_data = {"system": system.pk, "order": "3", "code": "4.3", "name": "执法装备", "max_score": "12"}
    indicator_data.update({"rule_items-TOTAL_FORMS": "0", "rule_items-INITIAL_FORMS": "0"})
    system_data = {"standard": standard.pk, "order": "4", "name": system.name, "max_score": "47"}
    system_data.update({"indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0"})
    assert admin_client.post(change_url(indicator), indicator_data).status_code == 403
    assert admin_client.post(change_url(system), system_data).status_code == 403
    delete = reverse("admin:assessment_indicator_delete", args=[indicator.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403

    assert Indicator.objects.get(pk=indicator.pk).max_score == Decimal("10")
    assert System.objects.get(pk=system.pk).max_score == Decimal("45")
    assert structure(standard) == (4, 17, 6)


def test_copy_as_new_version_creates_a_draft_version_2_with_the_same_structure(admin_client, standard):
    response = run_action(admin_client, "copy_as_new_version", standard)

    copy = Standard.objects.get(name=standard.name, version=2)
    assert f"已创建“{copy}”，可修改后发布。" in messages_of(response)
    assert copy.status == Standard.Status.DRAFT
    assert copy.based_on == standard
    assert structure(copy) == structure(standard) == (4, 17, 6)
    assert list(Indicator.objects.filter(system__standard=copy).values_list("code", "max_score")) == list(
        Indicator.objects.filter(system__standard=standard).values_list("code", "max_score")
    )
    # the copy is editable in the admin although the original is not
    page = admin_client.get(change_url(copy))
    assert page.context["has_change_permission"] is True
    assert 'name="_save"' in page.content.decode()


def test_staff_without_the_publish_permission_cannot_publish(client, draft, city):
    editor = make_user("ed", city, None)
    editor.is_staff = True
    editor.save()
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", codename__in=["view_standard", "change_standard", "add_standard"]
        )
    )
    client.force_login(editor)
    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "copy_as_new_version" in actions and "publish" not in actions

    run_action(client, "publish", draft)

    assert Standard.objects.get(pk=draft.pk).status == Standard.Status.DRAFT


# A published standard is frozen wherever the admin could reach it: add pages and moves too.


def test_no_indicator_can_be_added_to_a_published_standard_through_the_admin(admin_client, standard):
    system = System.objects.get(standard=standard, name="构建执法保障体系")
    data = {"system": system.pk, "order": "7", "code": "4.7", "name": "新增指标", "max_score": "1"}
    data.update({"rule_items-TOTAL_FORMS": "0", "rule_items-INITIAL_FORMS": "0"})
    admin_client.post(reverse("admin:assessment_indicator_add"), data)
    assert structure(standard) == (4, 17, 6)


def test_no_system_can_be_added_to_a_published_standard_through_the_admin(admin_client, standard):
    data = {"standard": standard.pk, "order": "5", "name": "新增体系", "max_score": "0"}
    data.update({"indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0"})
    admin_client.post(reverse("admin:assessment_system_add"), data)
    assert structure(standard) == (4, 17, 6)


def test_a_draft_indicator_cannot_be_moved_into_a_published_standard(admin_client, standard, draft):
    moved = Indicator.objects.get(system__standard=draft, code="1.1")
    published_system = System.objects.get(standard=standard, name="构建执法制度体系")
    data = change_form_data(admin_client, moved, system=published_system.pk, code="1.9", order="9")
    admin_client.post(change_url(moved), data)
    assert structure(standard) == (4, 17, 6)
