"""The inspections policies: records are read by role and written only in the user's own organisation."""

from __future__ import annotations

import datetime

import pytest

from inspections import policies
from inspections.models import Training

pytestmark = pytest.mark.django_db

EVERYONE = ("alice", "lea", "bob", "bella", "rita", "adam")


def _users(request):
    return {name: request.getfixturevalue(name) for name in EVERYONE}


def _training(organization) -> Training:
    return Training.objects.create(
        organization=organization, held_on=datetime.date(2024, 3, 1), topic="执法培训", attendees=10, hours=2
    )


def test_records_are_written_only_by_their_own_district(request, changning):
    users = _users(request)
    record = _training(changning)
    writers = {n for n, u in users.items() if policies.may_change_record(u, record)}
    assert writers == {n for n, u in users.items() if policies.may_write_record(u, "change", record)}
    assert writers and writers <= {"alice", "lea"}
    assert {n for n, u in users.items() if policies.may_delete_record(u, record)} <= writers
    assert {n for n, u in users.items() if policies.may_add_record(u, Training, changning)} == writers


def test_the_municipal_reviewer_reads_every_district_and_writes_none(rita, changning, xuhui):
    assert policies.may_view_records(rita)
    assert policies.may_view_records(rita, Training)
    for organization in (changning, xuhui):
        assert not policies.may_add_record(rita, Training, organization)
        assert not policies.may_change_record(rita, _training(organization))
    assert not policies.may_import_ledger(rita)


def test_ledger_import_needs_the_permission_and_an_organisation(alice, bob, lea):
    assert policies.may_import_ledger(alice) and policies.may_import_ledger(bob)
    assert not policies.may_import_ledger(lea)
    alice.organization = None
    alice.organization_id = None
    assert not policies.may_import_ledger(alice)
