"""The period statistics in the words of the annual report, e.g. 长环保发〔2023〕15号:
"2023年1-8月份，共出动执法人员1068批次、2468人次，检查1062户次污染源，…"."""

from __future__ import annotations

import calendar
from datetime import date

from inspections.selectors import PeriodStatistics

MAIN_TYPES = 5


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_text(start: date, end: date) -> str:
    """Whole months read as the report writes them (2023年1-8月份); other periods by their days."""
    whole_months = start.day == 1 and end == _month_end(end)
    if whole_months and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}年"
        if start.month == end.month:
            return f"{start.year}年{start.month}月份"
        return f"{start.year}年{start.month}-{end.month}月份"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def enforcement_paragraph(stats: PeriodStatistics) -> str:
    text = (
        f"{period_text(stats.start, stats.end)}，共出动执法人员{stats.dispatches}批次、{stats.person_times}人次，"
        f"检查{stats.source_checks}户次污染源"
    )
    if stats.fined_cases:
        text += f"，发现环境违法行为作出行政处罚案件{stats.fined_cases}件，共计处罚金额{stats.fines_wan_yuan_text}万元"
    if stats.exempted_cases:
        text += f"；轻微违法免于处罚{stats.exempted_cases}件"
    text += "。"
    if stats.violation_types:
        # 主要违法行为: the most heavily fined first, as the report names them.
        main = "、".join(name for name, _ in stats.violation_types_by_fines[:MAIN_TYPES])
        more = "等" if len(stats.violation_types) > MAIN_TYPES else ""
        text += f"主要违法行为包含{main}{more}。"
    return text
