"""The 2023 self-assessment of 长宁区 as its report states it, and a partly scored 2024 draft."""

# code: (score, justification, rule occurrences in rule order). Scores reproduce the 2023 report:
# 制度 15, 运行 12, 监督 11, 保障 41.5, total 79.5.
CHANGNING_2023 = {
    "1.1": ("4", "已编制并公开行政执法权责清单和执法事项清单；个别事项未随新法规及时调整。", []),
    "1.2": ("4", "建立行政执法公示、执法全过程记录、重大执法决定法制审核制度并落实，执法公示栏目按时更新。", []),
    "1.3": ("3.5", "执行本市行政处罚裁量基准，轻微违法免于处罚11件；部分案件裁量理由说明不够充分。", []),
    "1.4": (
        "3.5",
        "依据年度现场执法计划细化月度现场检查计划，定期报送市局执法总队备案并向社会公开；落实“双随机、一公开”。",
        [],
    ),
    "2.1": ("5", "1-8月出动执法人员1068批次、2468人次，检查污染源1062户次；非现场监管手段运用仍需加强。", []),
    "2.2": ("4", "作出行政处罚案件13件，罚款90.915万元；3件案件超过法定期限办结。", [3, 0]),
    "2.3": ("3", "与公安、检察院就“行刑同步”机制会商；生态环境损害赔偿工作规程已制定，联席会议尚待召开。", []),
    "3.1": ("3", "建立行政执法责任制度，明确岗位职责；执法人员考核细则有待完善。", []),
    "3.2": ("3", "开展案卷质控评查，评查不合格案卷2件，已整改。", [2]),
    "3.3": ("3", "按时公开行政处罚决定和双随机抽查结果；投诉举报办理情况公开不够及时。", []),
    "3.4": ("2", "局执法大队开展轮岗锻炼，内部监督纠错机制运行中，记录不够完整。", []),
    "4.1": ("9.5", "执法机构设置和人员编制到位，执法人员全部持证上岗；1名新进人员证件在办理中。", []),
    "4.2": (
        "7",
        "执法大练兵贯穿全年，开展无人机、红外热成像仪等装备应用培训；4人培训学时不足40学时；获市级大练兵表彰1次。",
        [4, 1],
    ),
    "4.3": ("9", "配备无人机、红外热成像仪、执法记录仪、执法终端等装备；便携式监测仪尚未配齐。", [1]),
    "4.4": ("6.5", "执法数据录入执法系统，执法终端和执法记录仪全员使用；在线监控与执法系统对接尚未完成。", []),
    "4.5": ("4.5", "执法经费纳入财政预算，执法车辆与统一着装按规定配备；车辆更新计划待批复。", []),
    "4.6": ("5", "设置询问室、证据保管室，制度上墙、管理规范。", []),
}

# A few indicators already scored in the 2024 draft, to try the scoring page on.
CHANGNING_2024 = {
    "1.1": ("5", "权责清单、执法事项清单已根据新修订法规动态调整并公开。", []),
    "1.4": ("4", "年度现场检查计划已细化为月度计划并报市局备案。", []),
    "2.1": ("6.5", "按计划完成前三季度双随机抽查。", []),
    "4.3": ("10", "装备已按2024年版配备标准配齐。", [0]),
}


def backdate_demo_workflow(assessment, *, submitted, approved) -> None:
    """The real 2023 assessment was submitted and approved before its report: the demo's times say so too."""
    from assessment.models import SelfAssessment, WorkflowEvent

    SelfAssessment.objects.filter(pk=assessment.pk).update(submitted_at=submitted, approved_at=approved)
    assessment.events.filter(action=WorkflowEvent.Action.SUBMIT).update(at=submitted)
    assessment.events.filter(action=WorkflowEvent.Action.APPROVE).update(at=approved)
