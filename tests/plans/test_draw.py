"""The pure draw: deterministic, sensitive to every input, fair, and never breaking 回避."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans import draw
from plans.draw import DrawError, DrawInput

SOURCES = tuple(f"S{n:03d}" for n in range(40))
OFFICERS = tuple(f"C{n:02d}" for n in range(8))


def make(**overrides) -> DrawInput:
    values = {
        "seed": "长宁区/2026-03/plan-1/draw-1/3356.88",
        "quotas": {"key": 3, "general": 2},
        "sources": {"key": SOURCES[:20], "general": SOURCES[20:]},
        "items": {"key": ("PWXK-01", "WF-02"), "general": ("YY-03",)},
        "officers": OFFICERS,
        "avoid": (("C00", "S001"),),
    }
    values.update(overrides)
    return DrawInput(**values)


def test_same_inputs_give_the_same_result():
    first, second = draw.run(make()), draw.run(make())
    assert first == second
    assert first.sha256 == second.sha256
    assert len(first.tasks) == 5


def test_the_result_does_not_depend_on_the_order_the_lists_were_given_in():
    shuffled = make(sources={"key": tuple(reversed(SOURCES[:20])), "general": SOURCES[20:]}, officers=OFFICERS[::-1])
    assert draw.run(shuffled) == draw.run(make())


def test_a_known_draw_is_reproduced_exactly():
    # Pinned, so a change to the algorithm that alters results cannot go unnoticed under the same version name.
    result = draw.run(make())
    assert [(t.source, t.item, t.officers) for t in result.tasks] == PINNED


PINNED = [
    ("S035", "YY-03", ("C04", "C06")),
    ("S037", "YY-03", ("C01", "C03")),
    ("S015", "WF-02", ("C02", "C07")),
    ("S018", "PWXK-01", ("C01", "C07")),
    ("S009", "PWXK-01", ("C02", "C05")),
]


def test_the_stream_is_hmac_sha256_in_counter_mode_as_documented():
    """What docs/plans.md tells a verifier to compute, done here by hand with hashlib and hmac."""
    inputs = make()
    key = hashlib.sha256(
        json.dumps(
            {"algorithm": "sdraw-1", "inputs": inputs.sha256, "seed": inputs.seed},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    ).digest()
    block = hmac.new(key, b"sdraw-block" + (0).to_bytes(8, "big"), hashlib.sha256).digest()
    first_word = int.from_bytes(block[:8], "big")
    # general (sorted before key) is drawn first: 20 sources, so the first pick is index first_word % 20
    assert draw.stream_for(inputs).below(20) == first_word % 20
    assert PINNED[0][0] == SOURCES[20:][first_word % 20]


@pytest.mark.parametrize(
    "change",
    [
        {"seed": "长宁区/2026-03/plan-1/draw-1/3356.89"},
        {"sources": {"key": SOURCES[:19], "general": SOURCES[20:]}},
        {"officers": OFFICERS[:7]},
        {"avoid": (("C00", "S002"),)},
        {"quotas": {"key": 3, "general": 1}},
        {"items": {"key": ("PWXK-01",), "general": ("YY-03",)}},
        {"team_size": 3},
    ],
)
def test_one_changed_input_changes_the_inputs_hash_and_the_result_hash(change):
    base, changed = make(), make(**change)
    assert base.sha256 != changed.sha256
    assert draw.run(base).sha256 != draw.run(changed).sha256


def test_list_hashes_are_of_the_sorted_published_lists():
    hashes = make().list_hashes
    assert hashes["sources:key"] == draw.sha256_hex("\n".join(SOURCES[:20]).encode())
    assert hashes["officers"] == draw.list_hash(reversed(OFFICERS))


def test_inputs_survive_a_round_trip_through_their_dict():
    original = make()
    assert DrawInput.from_dict(original.as_dict()) == original


def test_eligible_excludes_positive_list_and_already_checked_sources():
    assert draw.eligible(["B", "A", "C", "D"], positive_list=["C"], checked_in_period=["A"]) == ("B", "D")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sources": {"key": (), "general": SOURCES[20:]}}, "重点监管对象没有可抽取的检查对象"),
        ({"quotas": {"key": 21, "general": 2}}, "重点监管对象计划抽取21家，但只有20家可抽取"),
        ({"officers": ("C00",)}, "持证在岗的执法人员只有1名，少于每组2名"),
        ({"team_size": 1}, "每个检查组至少2名执法人员"),
        ({"quotas": {"key": 0, "general": 0}}, "各类抽取数量都是0"),
        ({"items": {"key": (), "general": ("YY-03",)}}, "重点监管对象没有适用的抽查事项"),
        ({"seed": "  "}, "随机种子不能为空"),
        ({"algorithm": "sdraw-0"}, "不支持的抽查算法版本"),
    ],
)
def test_impossible_draws_are_refused_in_chinese(change, message):
    with pytest.raises(DrawError, match=message):
        draw.run(make(**change))


def test_a_source_whose_avoidance_leaves_too_few_officers_is_named():
    avoid = tuple((o, s) for o in OFFICERS[:7] for s in SOURCES[:20])
    with pytest.raises(DrawError, match="回避后只剩1名可派执法人员"):
        draw.run(make(avoid=avoid, quotas={"key": 1}))


def test_stream_below_is_exactly_uniform_for_small_ranges():
    stream = draw.Stream(b"k" * 32)
    counts = Counter(stream.below(3) for _ in range(30_000))
    assert set(counts) == {0, 1, 2}
    for value in counts.values():  # binomial n=30000, p=1/3: sd ≈ 81.6; 5 sd either side
        assert abs(value - 10_000) < 5 * 81.7


def test_fairness_over_10000_seeds():
    """Each of 40 sources is drawn with probability k/n = 5/40 per draw. Over N = 10,000 draws its count is
    Binomial(10000, 0.125): mean 1250, sd = sqrt(N p (1-p)) ≈ 33.07. We require every count within 4.5 sd
    (1250 ± 148.8); for a fair draw the chance any one of the 40 falls outside is about 40 × 6.8e-6 ≈ 3e-4.
    Officers: 8 officers, 2 per task, so p = 1/4 per task; 5 tasks × 10,000 draws = 50,000 trials each."""
    n, k = 10_000, 5
    sources = tuple(f"S{i:03d}" for i in range(40))
    source_counts, officer_counts = Counter(), Counter()
    for i in range(n):
        result = draw.run(
            DrawInput(
                seed=f"fairness-{i}",
                quotas={"general": k},
                sources={"general": sources},
                items={"general": ("X",)},
                officers=OFFICERS,
            )
        )
        source_counts.update(t.source for t in result.tasks)
        officer_counts.update(o for t in result.tasks for o in t.officers)
    p = k / len(sources)
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    assert set(source_counts) == set(sources)
    for source, count in source_counts.items():
        assert abs(count - mean) <= 4.5 * sd, (source, count, mean, sd)
    trials, q = n * k, 2 / len(OFFICERS)
    mean_o, sd_o = trials * q, math.sqrt(trials * q * (1 - q))
    for officer, count in officer_counts.items():
        assert abs(count - mean_o) <= 4.5 * sd_o, (officer, count, mean_o, sd_o)


@st.composite
def draw_inputs(draw_):
    n_sources = draw_(st.integers(min_value=1, max_value=15))
    n_officers = draw_(st.integers(min_value=2, max_value=8))
    sources = tuple(f"S{i}" for i in range(n_sources))
    officers = tuple(f"C{i}" for i in range(n_officers))
    pairs = [(o, s) for o in officers for s in sources]
    avoid = draw_(st.lists(st.sampled_from(pairs), max_size=len(pairs)))
    return DrawInput(
        seed=draw_(st.text(min_size=1, max_size=20).filter(str.strip)),
        quotas={"key": draw_(st.integers(min_value=1, max_value=n_sources))},
        sources={"key": sources},
        items={"key": ("X", "Y")},
        officers=officers,
        avoid=tuple(avoid),
        team_size=draw_(st.integers(min_value=2, max_value=3)),
    )


@settings(max_examples=300, deadline=None)
@given(draw_inputs())
def test_avoidance_is_never_violated(draw_input):
    try:
        result = draw.run(draw_input)
    except DrawError as exc:
        # refused only when some source truly has too few officers left, or the roster is too small
        assert "回避后只剩" in str(exc) or "少于每组" in str(exc)
        return
    avoided = set(draw_input.avoid)
    assert len(result.tasks) == draw_input.quotas["key"]
    assert len({t.source for t in result.tasks}) == len(result.tasks)
    for task in result.tasks:
        assert len(task.officers) == draw_input.team_size == len(set(task.officers))
        assert not any((officer, task.source) in avoided for officer in task.officers)


def test_first_difference_names_the_task_and_field():
    result = draw.run(make())
    tampered = draw.DrawResult(
        inputs_sha256=result.inputs_sha256,
        tasks=(
            result.tasks[0],
            draw.Task(result.tasks[1].category, "S999", result.tasks[1].item, result.tasks[1].officers),
            *result.tasks[2:],
        ),
    )
    assert draw.first_difference(result, result) is None
    assert (
        draw.first_difference(result, tampered)
        == f"第2项任务的检查对象不同：记录为{result.tasks[1].source}，重算为S999"
    )
