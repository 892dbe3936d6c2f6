"""{上年度总分} and {总分增减} in the annual report: last year's counted total and the change."""

from assessment import services
from assessment.reports.content import fill, year_on_year
from assessment.selectors import scoring_sheet
from review import services as review
from tests.review.conftest import approve, rows_of


def test_last_years_confirmed_total_and_the_change(changning, standard, alice, lea, rita):
    last = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    approve(last, alice, lea, value="max")
    review.start_review(assessment=last, user=rita)
    round_ = last.review_rounds.get()
    review.save_review(assessment=last, user=rita, rows=rows_of(round_, i1_1=("2", "未公开", "")), then="confirm")
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    approve(this, alice, lea, value="max", values={"1.1": "4.5"})  # 99.5 against last year's confirmed 97
    values = year_on_year(scoring_sheet(this))
    assert values == {"上年度总分": "97", "总分增减": "增加2.5分"}
    assert fill("较上年度{上年度总分}分{总分增减}。", values) == "较上年度97分增加2.5分。"


def test_a_decrease_and_no_change(changning, standard, alice, lea):
    last = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    approve(last, alice, lea, value="max")
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    approve(this, alice, lea, value="max", values={"1.1": "4"})
    assert year_on_year(scoring_sheet(this)) == {"上年度总分": "100", "总分增减": "减少1分"}
    other = services.create_self_assessment(organization=changning, year=2025, standard=standard)
    approve(other, alice, lea, value="max", values={"1.1": "4"})
    assert year_on_year(scoring_sheet(other))["总分增减"] == "持平"


def test_a_dash_without_a_counted_last_year(changning, standard, alice, lea):
    services.create_self_assessment(organization=changning, year=2023, standard=standard)  # a draft: partial
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    assert year_on_year(scoring_sheet(this)) == {"上年度总分": "—", "总分增减": "—"}
