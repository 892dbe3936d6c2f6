"""The 双随机 draw as a pure function: the same inputs give the same result on any machine.

Nothing here touches the database, the clock or the ``random`` module. The randomness is a deterministic
stream derived from the seed and the SHA-256 of the canonical inputs (HMAC-SHA256 in counter mode, in the
spirit of NIST SP 800-90A's HMAC_DRBG), and integers are taken from it by rejection sampling, so every
choice is exactly uniform and anyone holding the exported record can re-run the draw and compare.

Keys, not database ids, name things: a source by its 统一社会信用代码, an officer by the 执法证 number, an item
by its code; they mean the same on every copy of the data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

ALGORITHM_VERSION = "sdraw-1"
MIN_TEAM_SIZE = 2
_UINT64 = 1 << 64
# the supervision categories' codes as inspections.PollutionSource.Category has them, for messages
CATEGORY_LABELS = {"key": "重点监管对象", "general": "一般监管对象", "special": "特殊监管对象"}


def _label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


class DrawError(ValueError):
    """A draw that cannot run as asked; the message is shown to the user as is."""


def canonical_json(value) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (not \\u escapes) — what the hashes cover."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_hash(keys: Iterable[str]) -> str:
    """The SHA-256 of a list as published: its keys, sorted, one per line."""
    return sha256_hex("\n".join(sorted(keys)).encode())


@dataclass(frozen=True)
class DrawInput:
    """Everything the result depends on. Lists are sorted on construction, so order of entry never matters."""

    seed: str
    quotas: Mapping[str, int]  # category → how many sources to draw
    sources: Mapping[str, tuple[str, ...]]  # category → eligible source keys
    items: Mapping[str, tuple[str, ...]]  # category → item codes applicable to it
    officers: tuple[str, ...]  # certified, in-post officers' certificate numbers
    avoid: tuple[tuple[str, str], ...] = ()  # (officer, source) pairs that must never meet (回避)
    team_size: int = MIN_TEAM_SIZE
    algorithm: str = ALGORITHM_VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "quotas", {c: int(n) for c, n in sorted(self.quotas.items())})
        object.__setattr__(self, "sources", {c: tuple(sorted(set(k))) for c, k in sorted(self.sources.items())})
        object.__setattr__(self, "items", {c: tuple(sorted(set(k))) for c, k in sorted(self.items.items())})
        object.__setattr__(self, "officers", tuple(sorted(set(self.officers))))
        object.__setattr__(self, "avoid", tuple(sorted({(str(o), str(s)) for o, s in self.avoid})))

    def as_dict(self) -> dict:
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "team_size": self.team_size,
            "quotas": dict(self.quotas),
            "sources": {c: list(k) for c, k in self.sources.items()},
            "items": {c: list(k) for c, k in self.items.items()},
            "officers": list(self.officers),
            "avoid": [list(pair) for pair in self.avoid],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> DrawInput:
        try:
            return cls(
                seed=str(data["seed"]),
                quotas={str(c): int(n) for c, n in data["quotas"].items()},
                sources={str(c): tuple(map(str, k)) for c, k in data["sources"].items()},
                items={str(c): tuple(map(str, k)) for c, k in data["items"].items()},
                officers=tuple(map(str, data["officers"])),
                avoid=tuple((str(o), str(s)) for o, s in data["avoid"]),
                team_size=int(data["team_size"]),
                algorithm=str(data["algorithm"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DrawError(f"抽查记录的输入不完整或格式不对：{exc}") from None

    @property
    def list_hashes(self) -> dict[str, str]:
        """SHA-256 of each eligible list and of the officer roster, as the record prints them."""
        hashes = {f"sources:{c}": list_hash(k) for c, k in self.sources.items()}
        hashes["officers"] = list_hash(self.officers)
        return hashes

    @property
    def sha256(self) -> str:
        return sha256_hex(canonical_json(self.as_dict()))


@dataclass(frozen=True)
class Task:
    category: str
    source: str
    item: str
    officers: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"category": self.category, "source": self.source, "item": self.item, "officers": list(self.officers)}


@dataclass(frozen=True)
class DrawResult:
    inputs_sha256: str
    tasks: tuple[Task, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"inputs_sha256": self.inputs_sha256, "tasks": [t.as_dict() for t in self.tasks]}

    @property
    def sha256(self) -> str:
        return sha256_hex(canonical_json(self.as_dict()))


class Stream:
    """Deterministic uniform integers from a key: HMAC-SHA256(key, label ‖ counter), 64 bits at a time."""

    def __init__(self, key: bytes):
        self._key = key
        self._counter = 0
        self._buffer = b""

    def _words(self) -> Iterator[int]:
        while True:
            if len(self._buffer) < 8:
                block = hmac.new(self._key, b"sdraw-block" + self._counter.to_bytes(8, "big"), hashlib.sha256)
                self._buffer += block.digest()
                self._counter += 1
            word, self._buffer = self._buffer[:8], self._buffer[8:]
            yield int.from_bytes(word, "big")

    def below(self, n: int) -> int:
        """Uniform in [0, n): words at or above the largest multiple of n are thrown away, so no value is favoured."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = _UINT64 - _UINT64 % n
        for word in self._words():
            if word < limit:
                return word % n
        raise AssertionError("unreachable")  # pragma: no cover

    def sample(self, population: tuple[str, ...] | list[str], k: int) -> list[str]:
        """k distinct elements, in draw order (a partial Fisher–Yates shuffle)."""
        pool = list(population)
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def stream_for(draw_input: DrawInput) -> Stream:
    # The seed is fixed before the draw; binding the inputs' hash into the key means a changed list gives an
    # unrelated draw rather than a shifted copy of the old one.
    key = hashlib.sha256(
        canonical_json({"algorithm": draw_input.algorithm, "seed": draw_input.seed, "inputs": draw_input.sha256})
    ).digest()
    return Stream(key)


def check(draw_input: DrawInput) -> None:
    """Refuse inputs that cannot give a valid draw, with a message saying which and why."""
    if draw_input.algorithm != ALGORITHM_VERSION:
        raise DrawError(f"不支持的抽查算法版本“{draw_input.algorithm}”（本系统为{ALGORITHM_VERSION}）。")
    if not draw_input.seed.strip():
        raise DrawError("随机种子不能为空。")
    if draw_input.team_size < MIN_TEAM_SIZE:
        raise DrawError(f"每个检查组至少{MIN_TEAM_SIZE}名执法人员。")
    total = 0
    for category, quota in draw_input.quotas.items():
        if quota < 0:
            raise DrawError(f"{_label(category)}的抽取数量不能为负数。")
        if quota == 0:
            continue
        available = len(draw_input.sources.get(category, ()))
        if available == 0:
            raise DrawError(f"{_label(category)}没有可抽取的检查对象（已排除正面清单和本期已检查的对象）。")
        if quota > available:
            raise DrawError(f"{_label(category)}计划抽取{quota}家，但只有{available}家可抽取。")
        if not draw_input.items.get(category):
            raise DrawError(f"{_label(category)}没有适用的抽查事项。")
        total += quota
    if total == 0:
        raise DrawError("本次抽查的各类抽取数量都是0，没有可抽的对象。")
    if len(draw_input.officers) < draw_input.team_size:
        raise DrawError(
            f"持证在岗的执法人员只有{len(draw_input.officers)}名，少于每组{draw_input.team_size}名，无法组成检查组。"
        )


def run(draw_input: DrawInput) -> DrawResult:
    """Sources per category (in category order), then one item and a team for each, all from one stream."""
    check(draw_input)
    stream = stream_for(draw_input)
    avoid: dict[str, set[str]] = {}
    for officer, source in draw_input.avoid:
        avoid.setdefault(source, set()).add(officer)
    tasks = []
    for category, quota in draw_input.quotas.items():
        if quota == 0:
            continue
        for source in stream.sample(draw_input.sources[category], quota):
            (item,) = stream.sample(draw_input.items[category], 1)
            allowed = tuple(o for o in draw_input.officers if o not in avoid.get(source, ()))
            if len(allowed) < draw_input.team_size:
                raise DrawError(
                    f"检查对象{source}回避后只剩{len(allowed)}名可派执法人员，少于每组{draw_input.team_size}名。"
                )
            team = tuple(sorted(stream.sample(allowed, draw_input.team_size)))
            tasks.append(Task(category=category, source=source, item=item, officers=team))
    return DrawResult(inputs_sha256=draw_input.sha256, tasks=tuple(tasks))


def eligible(
    sources: Iterable[str], *, positive_list: Iterable[str] = (), checked_in_period: Iterable[str] = ()
) -> tuple[str, ...]:
    """The category's list minus 正面清单 sources and those already checked in the plan's period, sorted."""
    excluded = set(positive_list) | set(checked_in_period)
    return tuple(sorted({s for s in sources if s not in excluded}))


def first_difference(expected: DrawResult, actual: DrawResult) -> str | None:
    """None when the two results agree, otherwise where they first differ, in words."""
    if expected.inputs_sha256 != actual.inputs_sha256:
        return f"输入的SHA-256不同：记录为{expected.inputs_sha256}，重算为{actual.inputs_sha256}"
    if len(expected.tasks) != len(actual.tasks):
        return f"任务数不同：记录为{len(expected.tasks)}，重算为{len(actual.tasks)}"
    for number, (a, b) in enumerate(zip(expected.tasks, actual.tasks, strict=True), start=1):
        for name, label in (
            ("category", "类别"),
            ("source", "检查对象"),
            ("item", "抽查事项"),
            ("officers", "执法人员"),
        ):
            left, right = getattr(a, name), getattr(b, name)
            if left != right:
                show = {"officers": "、".join, "category": _label}.get(name, str)
                return f"第{number}项任务的{label}不同：记录为{show(left)}，重算为{show(right)}"
    return None
