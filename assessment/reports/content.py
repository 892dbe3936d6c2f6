"""What the report says: numbered sections, and placeholders filled from the records and the self-assessment.

The numbers come from the same selectors as the pages and the workbook, so all three agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assessment.exports import CHINESE_NUMERALS
from assessment.models import Report
from assessment.scoring import normalize
from assessment.selectors import ScoringSheet, previous_year_total, scoring_sheet
from inspections.selectors import PeriodStatistics, period_statistics
from inspections.wording import period_text as period_label
from plans.selectors import RandomFigures, random_figures

# Placeholders are Chinese names such as {出动批次}; braces around anything else (CSS, code) are plain text.
PLACEHOLDER = re.compile(r"\{([\u4e00-\u9fff][\u4e00-\u9fff0-9]{0,19})\}")
VIOLATION_TYPES_IN_TEXT = 5


class UnknownPlaceholder(ValueError):
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__("未知的占位符：" + "、".join("{" + n + "}" for n in names) + "。可用的占位符见编辑页说明。")


def chinese_date(value: date) -> str:
    """GB/T 9704 writes 成文日期 in Arabic numerals: 2023年10月22日."""
    return f"{value.year}年{value.month}月{value.day}日"


def numeral(index: int) -> str:
    """一 … 十, 十一 … 十九, 二十 …: 0-based index."""
    n = index + 1
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def year_on_year(sheet: ScoringSheet) -> dict[str, str]:
    """{上年度总分} and {总分增减}: last year's counted total (confirmed 复核 total, else the approved self-score)
    and this year's change against it; a dash where either year has no total that counts."""
    previous = previous_year_total(sheet.assessment)
    current = sheet.assessment.final_total if sheet.assessment.is_confirmed else sheet.total
    if previous is None:
        return {"上年度总分": "—", "总分增减": "—"}
    change = current - previous
    if change > 0:
        text = f"增加{normalize(change)}分"
    elif change < 0:
        text = f"减少{normalize(-change)}分"
    else:
        text = "持平"
    return {"上年度总分": normalize(previous), "总分增减": text}


def random_placeholders(random: RandomFigures | None) -> dict[str, str]:
    """{双随机抽查户次} and {计划完成率} from the period's 双随机 figures (plans.selectors); without them 0 and —."""
    return {
        "双随机抽查户次": str(random.checked if random else 0),
        "计划完成率": f"{random.completion}%" if random and random.completion is not None else "—",
    }


def placeholder_values(
    *, stats: PeriodStatistics, sheet: ScoringSheet, start: date, end: date, random: RandomFigures | None = None
) -> dict[str, str]:
    values = {
        "统计期间": period_label(start, end),
        "出动批次": str(stats.dispatches),
        "出动人次": str(stats.person_times),
        "检查户次": str(stats.source_checks),
        "处罚案件数": str(stats.fined_cases),
        "罚款元": f"{stats.fines_yuan:.2f}",
        "罚款万元": stats.fines_wan_yuan_text,
        "免罚案件数": str(stats.exempted_cases),
        "移送案件数": str(stats.transferred_cases),
        "违法行为类型": "、".join(name for name, _ in stats.violation_types_by_fines[:VIOLATION_TYPES_IN_TEXT]),
        "培训场次": str(stats.training_sessions),
        "参训人次": str(stats.training_attendees),
        "自评总分": normalize(sheet.total),
        "自评满分": normalize(sheet.max_total),
        "体系数": str(len(sheet.systems)),
        **year_on_year(sheet),
        **random_placeholders(random),
    }
    for index, block in enumerate(sheet.systems):
        n = numeral(index)
        values[f"体系{n}名称"] = block.system.name
        values[f"体系{n}指标数"] = str(block.indicator_count)
        values[f"体系{n}得分"] = normalize(block.subtotal)
        values[f"体系{n}满分"] = normalize(block.system.max_score)
    return values


def report_values(report: Report, *, sheet: ScoringSheet | None = None) -> dict[str, str]:
    """``sheet``: the assessment's scoring sheet when the caller has it already."""
    stats = period_statistics(organization=report.organization, start=report.period_start, end=report.period_end)
    return placeholder_values(
        stats=stats,
        random=random_figures(organization=report.organization, start=report.period_start, end=report.period_end),
        sheet=scoring_sheet(report.assessment) if sheet is None else sheet,
        start=report.period_start,
        end=report.period_end,
    )


def unknown_placeholders(text: str, values: dict[str, str]) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in values})


def fill(text: str, values: dict[str, str]) -> str:
    missing = unknown_placeholders(text, values)
    if missing:
        raise UnknownPlaceholder(missing)
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


@dataclass(frozen=True)
class RenderedSection:
    level: int
    number: str
    heading: str
    paragraphs: list[str]


def paragraphs(text: str) -> list[str]:
    """A blank line separates paragraphs; line breaks inside a paragraph are joined (Chinese has no spaces)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return ["".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()]


def numbered_sections(sections, values: dict[str, str]) -> list[RenderedSection]:
    """Number headings as GB/T 9704 does: 一、 then （一） then 1., each level restarting under its parent."""
    counters = [0, 0, 0]
    result = []
    for section in sections:
        level = section.level
        number = ""
        if level:
            counters[level - 1] += 1
            for deeper in range(level, 3):
                counters[deeper] = 0
            count = counters[level - 1]
            number = {1: f"{numeral(count - 1)}、", 2: f"（{numeral(count - 1)}）", 3: f"{count}."}[level]
        result.append(
            RenderedSection(
                level=level,
                number=number,
                heading=fill(section.heading, values),
                paragraphs=paragraphs(fill(section.body, values)),
            )
        )
    return result
