"""The assessment policies: who may do what, by role and by organisation (the reviewer reads, never writes)."""

from __future__ import annotations

import pytest

from assessment import policies
from assessment.models import Report, ReportJob, SelfAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_2024(draft_2024) -> Report:
    return Report.objects.create(
        organization=draft_2024.organization,
        year=2024,
        assessment=draft_2024,
        issuer_mark="",
        doc_number="",
        signatory="",
        addressee="",
        title="",
        period_start="2024-01-01",
        period_end="2024-12-31",
        issuer_name="",
        written_on="2025-01-10",
        printed_by="",
        printed_on="2025-01-10",
    )


def _users(request, names):
    return {name: request.getfixturevalue(name) for name in names}


EVERYONE = ("alice", "lea", "bob", "bella", "rita", "adam")


@pytest.mark.parametrize(
    ("policy", "allowed"),
    [
        (policies.may_score, {"alice"}),
        (policies.may_submit, {"alice"}),
        (policies.may_review, {"lea"}),
        (policies.may_edit_report, {"alice", "lea"}),
    ],
)
def test_assessment_policies_allow_only_their_role_in_the_own_district(request, draft_2024, policy, allowed):
    users = _users(request, EVERYONE)
    assert {name for name, user in users.items() if policy(user, draft_2024)} == allowed


def test_a_report_is_signed_only_by_a_leader_of_its_district(request, report_2024):
    users = _users(request, EVERYONE)
    assert {name for name, user in users.items() if policies.may_sign_report(user, report_2024)} == {"lea"}
    assert {name for name, user in users.items() if policies.may_edit_report(user, report_2024)} == {"alice", "lea"}


def test_a_preview_may_be_rendered_by_whoever_may_read_the_report(request, report_2024):
    users = _users(request, EVERYONE)
    readers = {name for name, user in users.items() if policies.may_preview_report(user, report_2024)}
    assert readers == {"alice", "lea", "rita"}
    kinds = ReportJob.Kind
    assert {n for n, u in users.items() if policies.may_start_job(u, report_2024, kinds.ISSUE)} == {"lea"}
    assert {n for n, u in users.items() if policies.may_start_job(u, report_2024, kinds.PREVIEW)} == readers


def test_roles_and_account_wide_decisions(request):
    users = _users(request, EVERYONE)
    assert {n for n, u in users.items() if policies.is_scorer(u)} == {"alice", "bob"}
    assert {n for n, u in users.items() if policies.is_leader(u)} == {"lea", "bella"}
    assert {n for n, u in users.items() if policies.is_signatory(u)} == {"lea", "bella"}
    assert {n for n, u in users.items() if policies.is_standard_admin(u)} == {"adam"}
    assert {n for n, u in users.items() if policies.may_publish_standard(u)} == {"adam"}
    assert {n for n, u in users.items() if policies.may_create_assessment(u)} == {"alice", "bob"}
    assert {n for n, u in users.items() if policies.may_export_scores(u)} == set(EVERYONE)


def test_a_user_without_an_organisation_owns_nothing(changning, alice):
    alice.organization = None
    orphan = SelfAssessment(organization_id=None)
    assert not policies.may_score(alice, orphan)
    assert not policies.may_create_assessment(alice)


def test_an_anonymous_visitor_may_do_nothing(draft_2024):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not policies.may_score(anonymous, draft_2024)
    assert not policies.may_edit_report(anonymous, draft_2024)
