"""Record lists sort by a column header (``?sort=key`` / ``?sort=-key``), from a whitelist, keeping the filters."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from inspections.models import (
    CaseFileReview,
    CaseMeasure,
    Dispatch,
    DrillResult,
    Equipment,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
)
from inspections.selectors import DEFAULT_SORTS, RECORD_SORTS, record_list, record_sort

LISTS = {
    Dispatch: "inspections:dispatch-list",
    Inspection: "inspections:inspection-list",
    PenaltyCase: "inspections:case-list",
    PollutionSource: "inspections:source-list",
    Equipment: "inspections:equipment-list",
    Training: "inspections:training-list",
    Officer: "inspections:officer-list",
    CaseMeasure: "inspections:measure-list",
    DrillResult: "inspections:drill-list",
    CaseFileReview: "inspections:review-list",
}


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def numbers(page: str, prefix: str) -> list[str]:
    """The record numbers starting with ``prefix``, in the order the page lists them."""
    return re.findall(rf">({re.escape(prefix)}[^<]*)</a>", page)


def header_links(page: str) -> dict[str, str]:
    """Each sortable column's link, by the sort it asks for."""
    links = {}
    for href in re.findall(r'<a class="sort-link" href="([^"]+)"', page):
        query = parse_qs(urlsplit(unescape(href)).query)
        links[query["sort"][0]] = unescape(href)
    return links


@pytest.fixture
def three_dispatches(make):
    make.dispatch(date(2023, 3, 1), officers=5, number="出动-B")
    make.dispatch(date(2023, 1, 1), officers=2, number="出动-C")
    make.dispatch(date(2023, 2, 1), officers=9, number="出动-A")


def test_the_default_order_is_newest_first_and_the_header_says_so(as_alice, three_dispatches):
    page = as_alice.get(reverse("inspections:dispatch-list")).content.decode()
    assert numbers(page, "出动-") == ["出动-B", "出动-A", "出动-C"]
    assert re.search(r'<th scope="col" aria-sort="descending"><a class="sort-link"[^>]*>出动日期', page)
    assert page.count("aria-sort=") == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["出动-C", "出动-A", "出动-B"]),
        ("-date", ["出动-B", "出动-A", "出动-C"]),
        ("number", ["出动-A", "出动-B", "出动-C"]),
        ("-number", ["出动-C", "出动-B", "出动-A"]),
        ("officers", ["出动-C", "出动-B", "出动-A"]),
        ("-officers", ["出动-A", "出动-B", "出动-C"]),
    ],
)
def test_a_column_sorts_both_ways(as_alice, three_dispatches, sort, expected):
    page = as_alice.get(reverse("inspections:dispatch-list"), {"sort": sort}).content.decode()
    assert numbers(page, "出动-") == expected
    direction = "descending" if sort.startswith("-") else "ascending"
    assert page.count(f'aria-sort="{direction}"') == 1


def test_clicking_the_sorted_column_again_reverses_it(as_alice, three_dispatches):
    page = as_alice.get(reverse("inspections:dispatch-list"), {"sort": "officers"}).content.decode()
    links = header_links(page)
    assert "-officers" in links and "officers" not in links  # the sorted column offers the other direction
    assert {"number", "date", "task_type", "department"} <= set(links)  # the others start ascending


@pytest.mark.parametrize("sort", ["organization__name", "password", "--date", "-", "date;drop", "officer_names"])
def test_a_sort_outside_the_whitelist_is_the_default_order(as_alice, three_dispatches, sort):
    response = as_alice.get(reverse("inspections:dispatch-list"), {"sort": sort})
    assert response.status_code == 200
    assert numbers(response.content.decode(), "出动-") == ["出动-B", "出动-A", "出动-C"]
    assert record_sort(Dispatch, sort) == DEFAULT_SORTS[Dispatch]


def test_sorting_keeps_the_filters_and_the_filters_keep_the_sort(as_alice, make):
    for n in range(55):
        make.dispatch(date(2023, 1, 1 + n % 28), officers=1 + n % 7, number=f"出动-{n:03d}", task_type="complaint")
    make.dispatch(date(2023, 1, 1), number="出动-日常", task_type="routine")
    url = reverse("inspections:dispatch-list")
    filtered = {"task_type": "complaint", "start": "2023-01-01", "page": "2"}
    page = as_alice.get(url, filtered).content.decode()

    # a header link keeps every filter, starts again at page 1
    query = parse_qs(urlsplit(header_links(page)["officers"]).query)
    assert query == {"task_type": ["complaint"], "start": ["2023-01-01"], "sort": ["officers"]}

    sorted_page = as_alice.get(url, {k: v[0] for k, v in query.items()}).content.decode()
    assert "出动-日常" not in sorted_page and "共55条（已筛选）" in sorted_page
    # the page links keep filters and sort
    next_link = unescape(re.search(r'href="(\?[^"]*page=2[^"]*)">下一页', sorted_page).group(1))
    assert parse_qs(urlsplit(next_link).query) == {**query, "page": ["2"]}
    # the filter form sends the chosen sort again
    assert '<input type="hidden" name="sort" value="officers">' in sorted_page

    # and page 2 continues page 1 in the same order: every record once, by officers then date
    second = as_alice.get(url + next_link).content.decode()
    listed = numbers(sorted_page, "出动-0") + numbers(second, "出动-0")
    assert len(listed) == len(set(listed)) == 55
    by_number = {d.number: d for d in Dispatch.objects.all()}
    keys = [(by_number[n].officer_count, by_number[n].dispatched_on, n) for n in listed]
    assert keys == sorted(keys)


def test_the_default_order_is_not_repeated_in_the_filter_form(as_alice, three_dispatches):
    page = as_alice.get(reverse("inspections:dispatch-list")).content.decode()
    assert 'name="sort"' not in page


def test_undecided_cases_sort_last_both_ways(as_alice, make):
    make.case(date(2023, 1, 1), None, case_number="罚-未决")
    make.case(date(2023, 1, 2), date(2023, 3, 1), "fined", "100", case_number="罚-三月")
    make.case(date(2023, 1, 3), date(2023, 2, 1), "exempted", case_number="罚-二月")
    url = reverse("inspections:case-list")
    ascending = as_alice.get(url, {"sort": "decided"}).content.decode()
    descending = as_alice.get(url, {"sort": "-decided"}).content.decode()
    assert numbers(ascending, "罚-") == ["罚-二月", "罚-三月", "罚-未决"]
    assert numbers(descending, "罚-") == ["罚-三月", "罚-二月", "罚-未决"]


def test_a_choice_column_sorts_in_the_order_of_its_choices(as_alice, make):
    first, second = (value for value, _ in Inspection.Result.choices[:2])
    make.inspection(date(2023, 1, 1), result=second, findings="第二种结果")
    make.inspection(date(2023, 1, 2), result=first, findings="第一种结果")
    page = as_alice.get(reverse("inspections:inspection-list"), {"sort": "result"}).content.decode()
    assert page.index("第一种结果") < page.index("第二种结果")
    page = as_alice.get(reverse("inspections:inspection-list"), {"sort": "-result"}).content.decode()
    assert page.index("第二种结果") < page.index("第一种结果")


def test_sorting_shows_only_the_users_records(as_alice, make, make_xuhui):
    make.source("长宁甲单位")
    make_xuhui.source("徐汇乙单位")
    page = as_alice.get(reverse("inspections:source-list"), {"sort": "-name"}).content.decode()
    assert "长宁甲单位" in page and "徐汇乙单位" not in page


@pytest.mark.parametrize("model", list(RECORD_SORTS), ids=lambda m: m.__name__)
def test_every_whitelisted_sort_works_and_has_a_header(as_alice, alice, make, model):
    day = date(2023, 5, 1)
    make.inspection(day)
    make.case(day, day, "fined", "100", department=alice.department)
    make.equipment(day)
    make.training(day)
    make.dispatch(day, department=alice.department)
    officer = make.officer(department=alice.department)
    DrillResult.objects.create(
        organization=alice.organization, held_on=day, event="大练兵", level="district", officer=officer, placing=2
    )
    case = make.case(day)
    CaseMeasure.objects.create(organization=alice.organization, case=case, kind="seizure", started_on=day)
    CaseFileReview.objects.create(organization=alice.organization, case=case, reviewed_on=day, reviewer="周敏")
    page = as_alice.get(reverse(LISTS[model])).content.decode()
    offered = {key.removeprefix("-") for key in header_links(page)}
    assert offered == set(RECORD_SORTS[model]), "the page's sortable headers and the whitelist differ"
    for key in RECORD_SORTS[model]:
        for sort in (key, f"-{key}"):
            assert record_sort(model, sort) == sort
            rows = list(record_list(model, alice, alice.organization, sort=sort))
            assert rows, (model, sort)
            assert as_alice.get(reverse(LISTS[model]), {"sort": sort}).status_code == 200
