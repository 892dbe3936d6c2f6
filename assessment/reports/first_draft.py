"""A district's first report, when it has none from an earlier year to copy: a neutral outline in its own name.

The outline follows the structure every such report has (docs/reference-report.md): an opening, the
organisation and its preparation, the enforcement figures, the rules in force, the team, the self-assessment
result and the next steps. Every figure is a placeholder, so the product fills it in; what only the bureau can
say is left as a bracketed prompt for it to replace.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import Organization
from assessment.models import SelfAssessment
from assessment.reports.content import numeral

PROMPT = "（请填写：{what}）"


def doc_number_prefix(organization: Organization) -> str:
    """The 发文字号's issuer part, e.g. 徐汇环保发 for 徐汇区: the district's short name and 环保发."""
    return organization.short_name.removesuffix("区") + "环保发"


def first_draft_fields(assessment: SelfAssessment) -> dict[str, object]:
    org: Organization = assessment.organization
    year = assessment.year
    today = timezone.localdate()
    return {
        "issuer_mark": f"{org.name}文件",
        "doc_number": f"{doc_number_prefix(org)}〔{year}〕号",
        "signatory": "",
        "addressee": org.parent.name if org.parent else "",
        "title": f"{org.short_name}生态环境保护行政执法机构规范化建设工作报告",
        "period_start": date(year, 1, 1),
        "period_end": date(year, 12, 31),
        "issuer_name": org.name,
        "written_on": today,
        "printed_by": f"{org.short_name}生态环境局办公室",
        "printed_on": today,
    }


def first_draft_sections(assessment: SelfAssessment) -> list[tuple[int, str, str]]:
    """(level, heading, body) of the outline; the self-assessment paragraph names each system of its standard."""
    org = assessment.organization
    systems = assessment.standard.systems.count()
    per_system = "；".join(
        f"“{{体系{n}名称}}”项下{{体系{n}指标数}}个指标得分为{{体系{n}得分}}分" for n in map(numeral, range(systems))
    )
    return [
        (
            0,
            "",
            f"为推进{org.short_name}生态环境保护综合行政执法机构规范化建设，按照《上海市生态环境保护综合行政执法机构"
            f"规范化建设标准》，{org.name}组织开展了执法机构规范化建设工作。现将工作情况报告如下：",
        ),
        (1, "组织准备", PROMPT.format(what="组织领导、工作方案、职责分工和推进情况")),
        (
            1,
            "行政执法机构概况",
            f"{{统计期间}}，{org.short_name}共出动执法人员{{出动批次}}批次、{{出动人次}}人次，检查污染源{{检查户次}}户次；"
            "作出行政处罚决定{处罚案件数}件，罚款{罚款万元}万元；轻微违法免于处罚{免罚案件数}件；"
            "移送公安机关{移送案件数}件。主要违法行为为{违法行为类型}。",
        ),
        (
            1,
            "管理制度落实情况",
            PROMPT.format(what="执法公示、全过程记录、法制审核、现场检查计划和“双随机、一公开”等制度的落实情况"),
        ),
        (
            1,
            "队伍建设情况",
            "{统计期间}共组织执法培训{培训场次}场、{参训人次}人次。" + PROMPT.format(what="队伍建设、练兵和党建情况"),
        ),
        (
            1,
            "自评结果",
            f"根据执法机构规范化建设自评，我局总得分为{{自评总分}}分（满分{{自评满分}}分）。其中，{per_system}。"
            f"（详见{org.name}规范化建设自评评分表）",
        ),
        (1, "下一步计划", PROMPT.format(what="下一年度的工作计划")),
    ]
