"""seed_demo reproduces 长宁区's 2023 self-assessment as the reference report states it."""

from decimal import Decimal

from django.core.management import call_command

from accounts.models import Organization, User
from assessment.models import Score, SelfAssessment
from assessment.selectors import scoring_sheet


def test_demo_2023_reproduces_the_reference_report(db):
    call_command("seed_demo", verbosity=0)
    assessment = SelfAssessment.objects.get(organization__code="changning", year=2023)
    assert assessment.status == SelfAssessment.Status.APPROVED
    sheet = scoring_sheet(assessment)
    assert [(b.system.name, b.indicator_count, b.subtotal) for b in sheet.systems] == [
        ("构建执法制度体系", 4, Decimal("15")),
        ("构建执法运行体系", 3, Decimal("12")),
        ("构建执法监督体系", 4, Decimal("11")),
        ("构建执法保障体系", 6, Decimal("41.5")),
    ]
    assert sheet.total == Decimal("79.5")
    assert all(row.justification for block in sheet.systems for row in block.rows)
    assert list(assessment.events.values_list("action", flat=True)) == ["submit", "approve"]


def test_demo_2024_is_a_partly_scored_draft(db):
    call_command("seed_demo", verbosity=0)
    draft = SelfAssessment.objects.get(organization__code="changning", year=2024)
    assert draft.status == SelfAssessment.Status.DRAFT
    assert 0 < Score.objects.filter(assessment=draft, score__isnull=False).count() < 17


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    counts = (Organization.objects.count(), User.objects.count(), Score.objects.count(), SelfAssessment.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        Organization.objects.count(),
        User.objects.count(),
        Score.objects.count(),
        SelfAssessment.objects.count(),
    ) == counts


def test_demo_accounts_have_the_roles_their_names_say(db):
    call_command("seed_demo", verbosity=0)
    expected = {
        "changning_scorer": "填报人",
        "changning_leader": "领导",
        "admin": "管理员",
        "city_reviewer": "市局复核",
        "xuhui_scorer": "填报人",
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("Demo@2024cn")
    assert User.objects.get(username="changning_scorer").organization.code == "changning"
    assert User.objects.get(username="admin").is_staff
