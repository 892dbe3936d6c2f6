"""The officer roster: certificates valid on a day, expiring ones, the roster page, and dispatches naming officers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from inspections.models import Dispatch, Officer
from inspections.roster import selectors, services
from inspections.selectors import ledger_rows

DAY = date(2024, 6, 30)


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def test_a_certificate_is_valid_from_its_first_to_its_last_day(changning, make):
    officer = make.officer("王强", valid_from=date(2024, 1, 1), valid_to=DAY)
    for day, valid in ((date(2023, 12, 31), False), (date(2024, 1, 1), True), (DAY, True), (DAY + timedelta(1), False)):
        assert officer.certified_on(day) is valid
        assert list(selectors.certified_officers(organization=changning, day=day)) == ([officer] if valid else [])
        assert list(selectors.uncertified_officers(organization=changning, day=day)) == ([] if valid else [officer])


def test_officers_who_left_or_have_no_certificate_are_not_certified(changning, make):
    make.officer("调离者", status=Officer.Status.TRANSFERRED)
    make.officer("退休者", status=Officer.Status.RETIRED)
    rotated = make.officer("轮岗者", status=Officer.Status.ROTATED)
    none = make.officer("新人", valid_from=None, valid_to=None)
    assert list(selectors.certified_officers(organization=changning, day=DAY)) == [rotated]
    assert list(selectors.uncertified_officers(organization=changning, day=DAY)) == [none]


def test_certificates_expiring_within_90_days_include_the_90th_day_not_the_91st(changning, xuhui, make, make_xuhui):
    today = date(2024, 3, 1)
    last = make.officer("第90天", valid_to=today + timedelta(days=90))
    make.officer("第91天", valid_to=today + timedelta(days=91))
    first = make.officer("今天到期", valid_to=today)
    make.officer("已过期", valid_to=today - timedelta(days=1))
    make.officer("调离", valid_to=today + timedelta(days=10), status=Officer.Status.TRANSFERRED)
    make_xuhui.officer("徐汇", valid_to=today + timedelta(days=10))
    expiring = selectors.expiring_certificates(organization=changning, today=today)
    assert [(e.officer, e.days_left) for e in expiring] == [(first, 0), (last, 90)]


def test_create_officer_refuses_a_duplicate_certificate_and_reversed_dates(changning, xuhui, alice):
    services.create_officer(
        actor=alice, organization=changning, name="王强", certificate_number="310105001",
        valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31),
    )  # fmt: skip
    with pytest.raises(ValidationError) as duplicate:
        services.create_officer(
            actor=alice, organization=changning, name="李明", certificate_number="310105001",
            valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31),
        )  # fmt: skip
    assert "本单位已有该执法证号的执法人员。" in str(duplicate.value)
    with pytest.raises(ValidationError) as reversed_dates:
        services.create_officer(
            actor=alice, organization=changning, name="李明", certificate_number="310105002",
            valid_from=date(2024, 1, 1), valid_to=date(2023, 12, 31),
        )  # fmt: skip
    assert "执法证有效期止不能早于有效期起。" in str(reversed_dates.value)
    # the same number in another district is another certificate
    services.create_officer(
        actor=None, organization=xuhui, name="赵六", certificate_number="310105001",
        valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31),
    )  # fmt: skip
    assert Officer.objects.filter(organization=changning).count() == 1
    assert AuditEvent.objects.filter(object_type="inspections.officer", action=AuditEvent.Action.CREATE).count() == 2


def test_the_database_refuses_a_duplicate_certificate_too(changning, make):
    make.officer(certificate_number="DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        make.officer(certificate_number="DUP")


def test_status_change_is_audited(alice, make):
    officer = make.officer("王强")
    services.set_officer_status(actor=alice, officer=officer, status=Officer.Status.RETIRED)
    officer.refresh_from_db()
    assert officer.status == Officer.Status.RETIRED and officer.version == 2
    event = AuditEvent.objects.get(object_type="inspections.officer", action=AuditEvent.Action.UPDATE)
    assert event.changes == {"status": ["在岗", "退休"]}


# --- the roster page -----------------------------------------------------------------------------------


def test_the_roster_lists_officers_with_their_certificate_state(as_alice, make):
    make.officer("王强", valid_to=date(2000, 1, 31), valid_from=date(1999, 1, 1))
    make.officer("李明")
    page = as_alice.get(reverse("inspections:officer-list")).content.decode()
    assert "王强" in page and "李明" in page and "已过期" in page and "共2条" in page
    page = as_alice.get(reverse("inspections:officer-list"), {"certificate": "invalid"}).content.decode()
    assert "王强" in page and "李明" not in page


def test_adding_an_officer_through_the_form(as_alice, changning):
    response = as_alice.post(
        reverse("inspections:officer-create"),
        {
            "name": "王强",
            "certificate_number": "31010500123",
            "certificate_valid_from": "2024-01-01",
            "certificate_valid_to": "2026-12-31",
            "status": "on_duty",
        },
    )
    assert response.status_code == 302
    officer = Officer.objects.get(organization=changning)
    assert (officer.name, officer.certificate_valid_to) == ("王强", date(2026, 12, 31))


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"certificate_number": "DUP"}, "certificate_number", "本单位已有执法证号为“DUP”的执法人员。"),
        ({"certificate_valid_to": "2023-12-31"}, "certificate_valid_to", "执法证有效期止不能早于有效期起。"),
        ({"certificate_valid_to": ""}, "certificate_valid_to", "填写了执法证号，请同时填写执法证有效期。"),
        ({"certificate_number": ""}, "certificate_number", "填写了执法证有效期，请同时填写执法证号。"),
    ],
)
def test_the_form_names_the_field_of_a_bad_entry_and_saves_nothing(as_alice, make, data, field, message):
    make.officer("已有", certificate_number="DUP")
    post = {
        "name": "王强",
        "certificate_number": "NEW",
        "certificate_valid_from": "2024-01-01",
        "certificate_valid_to": "2026-12-31",
        "status": "on_duty",
        **data,
    }
    response = as_alice.post(reverse("inspections:officer-create"), post)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert Officer.objects.count() == 1


def test_it_checks_ownership(client, bob, make):
    officer = make.officer("王强")
    client.force_login(bob)
    assert client.get(reverse("inspections:officer-edit", args=[officer.pk])).status_code == 404
    assert client.post(reverse("inspections:officer-delete", args=[officer.pk])).status_code == 404
    assert client.get(reverse("inspections:officer-list"), {"org": "changning"}).status_code == 404
    assert "王强" not in client.get(reverse("inspections:officer-list")).content.decode()
    assert Officer.objects.filter(pk=officer.pk).exists()


def test_the_user_link_offers_only_users_of_the_organisation(as_alice, alice, bob):
    form = as_alice.get(reverse("inspections:officer-create")).context["form"]
    assert alice in form.fields["user"].queryset and bob not in form.fields["user"].queryset


# --- dispatches name officers from the roster -----------------------------------------------------------


def test_a_dispatch_names_roster_officers_and_the_ledger_export_lists_them(as_alice, changning, make, make_xuhui):
    wang, li = make.officer("王强"), make.officer("李明")
    other = make_xuhui.officer("徐汇某")
    form = as_alice.get(reverse("inspections:dispatch-create")).context["form"]
    assert set(form.fields["officers"].queryset) == {wang, li} and other not in form.fields["officers"].queryset
    response = as_alice.post(
        reverse("inspections:dispatch-create"),
        {"number": "CD-1", "dispatched_on": "2024-06-01", "officer_count": "3", "officers": [wang.pk, li.pk],
         "officer_names": "赵六", "task_type": "routine"},
    )  # fmt: skip
    assert response.status_code == 302
    dispatch = Dispatch.objects.get(number="CD-1")
    assert set(dispatch.officers.all()) == {wang, li}
    assert dispatch.officer_list() == ["王强", "李明", "赵六"]
    rows = list(ledger_rows(organization=changning, start=None, end=None)["执法出动"])
    assert rows[0][3] == "王强、李明、赵六"
    listing = as_alice.get(reverse("inspections:dispatch-list"), {"q": "李明"}).content.decode()
    assert "CD-1" in listing


def test_a_dispatch_cannot_name_more_officers_than_went(as_alice, make):
    wang, li = make.officer("王强"), make.officer("李明")
    response = as_alice.post(
        reverse("inspections:dispatch-create"),
        {"number": "CD-1", "dispatched_on": "2024-06-01", "officer_count": "1", "officers": [wang.pk, li.pk],
         "task_type": "routine"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "列出了2名执法人员，多于出动人数1。" in response.content.decode()
    assert not Dispatch.objects.exists()


def test_a_dispatch_cannot_name_another_districts_officer(as_alice, make_xuhui):
    other = make_xuhui.officer("徐汇某")
    response = as_alice.post(
        reverse("inspections:dispatch-create"),
        {"number": "CD-1", "dispatched_on": "2024-06-01", "officer_count": "2", "officers": [other.pk],
         "task_type": "routine"},
    )  # fmt: skip
    assert response.status_code == 400 and not Dispatch.objects.exists()
