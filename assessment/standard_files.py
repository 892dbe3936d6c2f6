"""Read a standard from a YAML or JSON file into plain specs (no database), and back.

The file format is the one of ``assessment/standards/shanghai.yaml``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from inspections.measures import MEASURES

RULE_KINDS = ("deduction", "bonus", "veto")


class StandardFileError(ValueError):
    pass


@dataclass(frozen=True)
class RuleSpec:
    kind: str
    description: str
    points: Decimal = Decimal("0")
    cap: Decimal | None = None
    # A computation over the records that counts this item's occurrences (inspections.measures), with its
    # parameters. Not part of the frozen structure: naming a measure changes no score.
    measure: str = ""
    measure_params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    max_score: Decimal
    department: str = ""
    criteria: str = ""
    rules: tuple[RuleSpec, ...] = ()


@dataclass(frozen=True)
class SystemSpec:
    name: str
    max_score: Decimal
    indicators: tuple[IndicatorSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GradeSpec:
    name: str
    min_score: Decimal


@dataclass(frozen=True)
class StandardSpec:
    name: str
    issuer: str
    version: int
    year_from: int
    year_to: int | None
    total_max: Decimal
    note: str
    systems: tuple[SystemSpec, ...]
    publish: bool = False
    grades: tuple[GradeSpec, ...] = ()
    veto_description: str = ""
    veto_grade: str = ""

    def content(self) -> dict[str, Any]:
        """What must match for a published standard to count as already loaded."""
        data = asdict(self)
        data.pop("publish")
        for system in data["systems"]:
            for indicator in system["indicators"]:
                for rule in indicator["rules"]:
                    rule.pop("measure")
                    rule.pop("measure_params")
        return data


HALF = Decimal("0.5")
TENTH = Decimal("0.1")


def _decimal(value: Any, where: str, step: Decimal = HALF) -> Decimal:
    """A score in the file, held to the same steps as the admin's forms: maxima in 0.5, rule points in 0.1."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise StandardFileError(f"{where}：“{value}”不是数字。") from None
    if not result.is_finite() or result < 0:
        raise StandardFileError(f"{where}：“{value}”不是有效分值。")
    if result % step != 0:
        raise StandardFileError(f"{where}：分值{value}不是{step}的整数倍。")
    return result


def _int(value: Any, where: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise StandardFileError(f"{where}：“{value}”不是整数。") from None


def _required(data: dict, key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise StandardFileError(f"{where}缺少“{key}”。")
    return data[key]


def _measure(value: Any, where: str) -> dict[str, Any]:
    """``measure: name`` or ``measure: {name: …, threshold: …}``, checked against the measures that exist."""
    if value in (None, ""):
        return {}
    params = dict(value) if isinstance(value, dict) else {"name": value}
    name = str(params.pop("name", ""))
    if name not in MEASURES:
        raise StandardFileError(f"{where}：没有名为“{name}”的计算项（measure），可用：{'、'.join(MEASURES)}。")
    return {"measure": name, "measure_params": tuple(sorted((str(k), v) for k, v in params.items()))}


def parse_standard(data: Any) -> StandardSpec:
    if not isinstance(data, dict):
        raise StandardFileError("标准文件的顶层必须是一个对象。")
    systems = []
    for s_index, s in enumerate(_required(data, "systems", "标准"), start=1):
        where = f"第{s_index}个体系"
        indicators = []
        for i_index, i in enumerate(_required(s, "indicators", where), start=1):
            i_where = f"{where}第{i_index}个指标"
            rules = []
            for r_index, r in enumerate(i.get("rules") or [], start=1):
                r_where = f"{i_where}第{r_index}条规则"
                kind = _required(r, "kind", r_where)
                if kind not in RULE_KINDS:
                    raise StandardFileError(f"{r_where}：类型“{kind}”无效，应为 deduction、bonus 或 veto。")
                rules.append(
                    RuleSpec(
                        kind=kind,
                        description=str(_required(r, "description", r_where)),
                        points=_decimal(r.get("points", 0), r_where, TENTH),
                        cap=_decimal(r["cap"], r_where, TENTH) if r.get("cap") is not None else None,
                        **_measure(r.get("measure"), r_where),
                    )
                )
            indicators.append(
                IndicatorSpec(
                    code=str(_required(i, "code", i_where)),
                    name=str(_required(i, "name", i_where)),
                    max_score=_decimal(_required(i, "max_score", i_where), i_where),
                    department=str(i.get("department") or ""),
                    criteria=str(i.get("criteria") or "").strip(),
                    rules=tuple(rules),
                )
            )
        systems.append(
            SystemSpec(
                name=str(_required(s, "name", where)),
                max_score=_decimal(_required(s, "max_score", where), where),
                indicators=tuple(indicators),
            )
        )
    codes = [i.code for s in systems for i in s.indicators]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise StandardFileError(f"指标编号重复：{'、'.join(duplicated)}。")
    year_to = data.get("year_to")
    grades = []
    for g_index, g in enumerate(data.get("grades") or [], start=1):
        g_where = f"第{g_index}个等次"
        if not isinstance(g, dict):
            raise StandardFileError(f"{g_where}必须写成“name”与“min_score”。")
        grades.append(
            GradeSpec(
                name=str(_required(g, "name", g_where)), min_score=_decimal(_required(g, "min_score", g_where), g_where)
            )
        )
    veto = data.get("veto") or {}
    if not isinstance(veto, dict):
        raise StandardFileError("一票否决（veto）必须写成“description”与“grade”。")
    return StandardSpec(
        name=str(_required(data, "name", "标准")),
        issuer=str(_required(data, "issuer", "标准")),
        version=_int(data.get("version") or 1, "标准版本号"),
        year_from=_int(_required(data, "year_from", "标准"), "标准起始年度"),
        year_to=_int(year_to, "标准终止年度") if year_to else None,
        total_max=_decimal(data.get("total_max", 100), "标准总分"),
        note=str(data.get("note") or "").strip(),
        systems=tuple(systems),
        publish=data.get("status") == "published",
        grades=tuple(sorted(grades, key=lambda g: g.min_score, reverse=True)),
        veto_description=str(veto.get("description") or "").strip(),
        veto_grade=str(veto.get("grade") or "").strip(),
    )


def read_standard_file(path: Path) -> StandardSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardFileError(f"无法读取标准文件 {path}：{exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise StandardFileError(f"标准文件 {path} 格式错误：{exc}") from exc
    return parse_standard(data)
