"""Counts computed from the records beside the counts typed on the scoring page.

``measures_by_rule`` gives every measure of an organisation-year keyed as the standard file names them (indicator
code, then the rule item's 1-based order), measures no rule item names apart; ``measured_rules`` and
``differences`` compare an assessment's typed counts with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import Organization
from assessment.models import RuleCount, RuleItem, SelfAssessment
from assessment.standard_files import StandardSpec
from inspections.measures import MEASURES, MeasureValue, measure_value


def measures_by_rule(*, organization: Organization, year: int, spec: StandardSpec) -> dict[str, Any]:
    by_indicator: dict[str, dict[str, Any]] = {}
    named: set[str] = set()
    for system in spec.systems:
        for indicator in system.indicators:
            for order, rule in enumerate(indicator.rules, start=1):
                if not rule.measure:
                    continue
                named.add(rule.measure)
                value = measure_value(
                    organization=organization, year=year, name=rule.measure, params=dict(rule.measure_params)
                )
                entry = value.as_dict() | {"rule": rule.description, "params": dict(rule.measure_params)}
                by_indicator.setdefault(indicator.code, {})[str(order)] = entry
    others = {
        name: measure_value(organization=organization, year=year, name=name).as_dict()
        for name in MEASURES
        if name not in named
    }
    return {"organization": organization.code, "year": year, "indicators": by_indicator, "other_measures": others}


@dataclass(frozen=True)
class MeasuredRule:
    """A rule item that names a measure: the count the records give, and the count typed on the scoring page."""

    rule: RuleItem
    measured: MeasureValue
    typed: int | None  # None while the indicator has not been scored

    @property
    def differs(self) -> bool:
        return self.typed is not None and self.typed != self.measured.value


def measured_rules(assessment: SelfAssessment) -> dict[int, MeasuredRule]:
    """Rule item id → its measure for the assessment's organisation and year; a fixed number of queries."""
    rules = RuleItem.objects.filter(indicator__system__standard_id=assessment.standard_id).exclude(measure="")
    typed = dict(
        RuleCount.objects.filter(score__assessment=assessment, rule_item__in=rules).values_list(
            "rule_item_id", "occurrences"
        )
    )
    cache: dict[tuple, MeasureValue] = {}
    result = {}
    for rule in rules.select_related("indicator").order_by("indicator__system__order", "indicator__order", "order"):
        if rule.measure not in MEASURES:
            continue  # a measure renamed since the standard was loaded: shown as typed only
        key = (rule.measure, tuple(sorted(rule.measure_params.items())))
        if key not in cache:
            cache[key] = measure_value(
                organization=assessment.organization,
                year=assessment.year,
                name=rule.measure,
                params=rule.measure_params,
            )
        result[rule.pk] = MeasuredRule(rule, cache[key], typed.get(rule.pk))
    return result


def differences(assessment: SelfAssessment) -> list[MeasuredRule]:
    """Rule items whose typed count differs from what the records show, in the standard's order."""
    return [m for m in measured_rules(assessment).values() if m.differs]
