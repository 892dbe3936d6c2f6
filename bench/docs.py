"""The results section of docs/performance.md, written from a run's JSON (never typed by hand).

bench/run.py calls ``rewrite`` after a full run; ``python -m bench.docs bench/results/full.json docs/performance.md``
writes the section again from a saved run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

START = "<!-- bench:results:start (written by bench/run.py from bench/results/full.json; do not edit) -->"
END = "<!-- bench:results:end -->"

TARGET_LABELS = {
    "pages_p95_under_100ms": "全量下每个页面 p95 < 100 ms",
    "queries_do_not_grow": "查询数不随数据量增长（全量与 1/100 相同）",
    "import_70_percent_of_read_only": "导入速度 ≥ openpyxl 只读模式读取速度的 70%",
    "import_peak_under_300MB": "导入 10 万行峰值内存 < 300 MB",
    "export_80_percent_of_write_only": "导出速度 ≥ openpyxl 只写模式的 80%",
    "report_under_3s": "演示报告生成 + 签名 < 3 秒（预热后中位数）",
    "report_pdf_under_1_5MB": "签名后 PDF < 1.5 MB",
    "dashboard_30_percent_of_trivial": "首页吞吐量 ≥ 简单视图（/healthz）的 30%",
    "no_errors_under_load": "负载下 0 错误",
}


def _n(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _target_value(name: str, target: dict[str, Any]) -> str:
    value = target["value"]
    if name == "pages_p95_under_100ms":
        over = "、".join(f"{k} {v} ms" for k, v in target["over"].items())
        return f"最大 {value} ms" + (f"；超出：{over}" if over else "")
    if name == "queries_do_not_grow":
        return "全部相同" if not value else "增长：" + "、".join(value)
    if name in ("import_70_percent_of_read_only", "export_80_percent_of_write_only"):
        return f"{value:.0%}"
    if name == "import_peak_under_300MB":
        return f"{value} MB（整个进程）"
    if name == "report_under_3s":
        return f"{value / 1000:.2f} 秒"
    if name == "report_pdf_under_1_5MB":
        return f"{value / 1_000_000:.2f} MB"
    if name == "dashboard_30_percent_of_trivial":
        return "；".join(f"{k} {v:.0%}" for k, v in value.items())
    return str(value)


def _scale(scale: float) -> str:
    return "全量" if scale == 1 else f"1/{round(1 / scale):,}"


def _load(machine: dict[str, Any]) -> str:
    load = machine.get("load_average_at_start")
    if not load:
        return "（本机为共用机器，未记录开始时的负载）"
    return f"，开始时系统负载（1/5/15 分钟平均）{' / '.join(str(x) for x in load)}"


def section(results: dict[str, Any]) -> str:
    m = results["machine"]
    big, little = _scale(results["config"]["scale"]), _scale(results["config"]["small_scale"])
    lines = [
        START,
        "",
        f"运行日期 {results['date']}；本机 {m['cores']} 核（{m['cpu']}），内存 {m['memory_gb']} GB，"
        f"PostgreSQL {m['postgresql']}（shared_buffers {m['postgresql_shared_buffers']}，未调优），"
        f"Python {m['python']}；全程 {results['seconds']:.0f} 秒{_load(m)}。"
        f"原始数据：`bench/results/{results['name']}.json`。",
        "",
    ]
    data = results.get("data", {})
    if data.get("main"):
        main, small = data["main"], data["small"]
        totals = main["totals_in_database"]
        reused = "（本次沿用此前生成的数据库，下列生成时间为当时的记录）" if data.get("reused") else ""
        lines += [
            f"**数据生成**{reused}：{main['organizations']} 个机构（市局 + 16 个区局），{len(main['years'])} 个年度"
            f"（{main['years'][0]}—{main['years'][-1]}），固定种子 {main['seed']}，用 COPY 写入。",
            "",
            f"| 表 | {big} 行数 | {little} 行数 |",
            "|---|---:|---:|",
        ]
        labels = {
            "inspection": "污染源检查（户次）",
            "dispatch": "执法出动（批次）",
            "dispatch_officer_users": "出动—执法人员",
            "pollutionsource": "污染源",
            "penaltycase": "行政处罚案件",
            "equipment": "执法装备",
            "training": "培训记录",
        }
        for key, label in labels.items():
            if key in totals:
                lines.append(f"| {label} | {totals[key]:,} | {small['totals_in_database'][key]:,} |")
        lines += [
            f"| 自评（每区每年）/ 指标得分 | {main['generated']['self_assessments']} 份新增 + 演示 3 份 / "
            f"{main['generated']['scores']:,} | 同左 |",
            "",
            f"{big}生成用时 {main['seconds']:.0f} 秒（其中 VACUUM ANALYZE {main['seconds_by_step']['vacuum_analyze']:.0f} 秒），"
            f"另加模板库（migrate、seed_demo、16 个区局及用户、演示证书）"
            f"{main['seconds_with_base'] - main['seconds']:.0f} 秒；{little} 数据 {small['seconds']:.1f} 秒。",
            "",
        ]
    pages = results.get("pages")
    if pages:
        lines += [
            f"**页面**：服务器端时间（Django 完整请求路径，进程内 django.test.Client），预热两轮后每轮每页请求一次，"
            f"共 {pages['repeat']} 轮；查询数为单次请求的 SQL 条数。长宁区的用户；列表每页 50 条。",
            "",
            f"| 页面 | {big} 中位数 ms | {big} p95 ms | {big} 查询数 | {little} 中位数 ms | {little} p95 ms "
            f"| {little} 查询数 | 中位数之比 {big}÷{little} |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, page in pages["main"].items():
            small = pages["small"][name]
            lines.append(
                f"| {page['title']} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | {page['queries']} | "
                f"{small['median_ms']:.1f} | {small['p95_ms']:.1f} | {small['queries']} | "
                f"{pages['ratio'][name]['median']:.2f} |"
            )
        lines.append("")
    indexes = results.get("indexes")
    if indexes:
        lines += [
            f"**索引的作用**：同一数据、同一次运行中，先按现状计时，再在删除迁移 `inspections.0004` 的 "
            f"{len(indexes['indexes'])} 个索引的事务中计时（随后回滚）；{indexes['repeat']} 次中位数。",
            "",
            "| 读取 | 有索引 ms | 无索引 ms |",
            "|---|---:|---:|",
        ]
        for read in indexes["reads"].values():
            lines.append(f"| {read['title']} | {read['with_ms']:.1f} | {read['without_ms']:.1f} |")
        if indexes.get("index_mb"):
            sizes = "，".join(f"`{name}` {mb} MB" for name, mb in indexes["index_mb"].items())
            lines += ["", f"索引大小：{sizes}。"]
        lines.append("")
    ledger = results.get("ledger")
    if ledger:
        imp, read, exp, write = ledger["import"], ledger["read_only"], ledger["export"], ledger["write_only"]
        lines += [
            f"**台账导入导出**：{ledger['file']['rows']:,} 行（执法出动、污染源检查各半，文件 "
            f"{ledger['file']['bytes'] / 1_000_000:.1f} MB），同一次运行中依次测量。",
            "",
            "| 操作 | 行数 | 用时（秒） | 行/秒 | 比例 | 峰值内存 |",
            "|---|---:|---:|---:|---:|---:|",
            f"| openpyxl 只读模式仅读取（下限，{len(read['seconds'])} 次中位数） | {read['rows']:,} | "
            f"{read['median_seconds']:.2f} | {read['rows_per_second']:,} | 100% | {read['peak_rss_mb']} MB |",
            f"| 导入：上传检查 + 任务进程解析、校验、写入 | {imp['rows']:,} | {imp['seconds']:.2f} | "
            f"{imp['rows_per_second']:,} | {imp['ratio_to_read_only']:.0%} | {imp['peak_rss_mb']} MB（导入前 "
            f"{imp['baseline_rss_mb']} MB） |",
            f"| 　其中：读取并校验工作簿 / 写入数据库 | | {imp['worker_read_and_check_seconds']:.2f} / "
            f"{imp['worker_write_seconds']:.2f} | | | |",
            *(
                [
                    f"| 导入，但没有 0004 的索引（删除索引的事务中导入后回滚） | {nix['rows']:,} | "
                    f"{nix['seconds']:.2f} | {nix['rows_per_second']:,} | "
                    f"{nix['rows_per_second'] / read['rows_per_second']:.0%} | |"
                ]
                if (nix := ledger.get("import_without_new_indexes"))
                else []
            ),
            f"| openpyxl 只写模式写同样的值（{len(write['seconds'])} 次中位数） | {write['rows']:,} | "
            f"{write['median_seconds']:.2f} | {write['rows_per_second']:,} | 100% | |",
            f"| 导出：`ledger_export`（查询 + 写入 + 统计工作表，{len(exp['seconds'])} 次中位数） | {exp['rows']:,} | "
            f"{exp['median_seconds']:.2f} | {exp['rows_per_second']:,} | {exp['ratio_to_write_only']:.0%} | "
            f"{exp['peak_rss_mb']} MB |",
            "",
        ]
    report = results.get("report")
    if report:
        lines += [
            f"**演示工作报告**（{report['report']}，预热后各 {report['repeat']} 次的中位数）：生成 "
            f"{report['render_median_ms'] / 1000:.2f} 秒，签名 {report['sign_median_ms'] / 1000:.2f} 秒，合计 "
            f"{report['render_and_sign_median_ms'] / 1000:.2f} 秒；{report['pages']} 页，签名后 "
            f"{report['signed_pdf_bytes'] / 1_000_000:.2f} MB，签名经核验有效。",
            "",
        ]
    load = results.get("load")
    if load:
        lines += [
            f"**吞吐量**：gunicorn {load['workers']} 个同步 worker，回环地址，wrk 1 线程 {load['connections']} 个连接，"
            f"每项 {load['seconds']:.0f} 秒。",
            "",
            "| 地址 | 请求/秒 | 与 /healthz 之比 | p50 ms | p99 ms | 错误（非 2xx + 套接字） |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, label in (
            ("dashboard_leader", "/（区领导的首页）"),
            ("dashboard_city", "/（市局复核的首页）"),
            ("healthz", "/healthz（简单视图）"),
        ):
            if name in load:
                row = load[name]
                ratio = f"{row['ratio_to_healthz']:.0%}" if "ratio_to_healthz" in row else "100%"
                lines.append(
                    f"| {label} | {row['requests_per_second']:,.0f} | {ratio} | {row['latency_p50_ms']} | "
                    f"{row['latency_p99_ms']} | {row['errors']} |"
                )
        lines.append("")
    if results.get("targets"):
        lines += ["**目标**", "", "| 目标 | 本次结果 | 达成 |", "|---|---|---|"]
        for name, target in results["targets"].items():
            lines.append(
                f"| {TARGET_LABELS.get(name, name)} | {_target_value(name, target)} | {'是' if target['met'] else '**否**'} |"
            )
        lines.append("")
        lines += gaps(results)
    lines.append(END)
    return "\n".join(lines)


def gaps(results: dict[str, Any]) -> list[str]:
    """For each missed target, by how much, in the figures of the same run."""
    targets, lines = results["targets"], []
    pages = results.get("pages")
    if pages and not targets["pages_p95_under_100ms"]["met"]:
        over = "、".join(
            f"{pages['main'][name]['title']} p95 {ms:.0f} ms（超出 {ms - 100:.0f} ms）"
            for name, ms in targets["pages_p95_under_100ms"]["over"].items()
        )
        lines.append(f"- 页面：{over}。")
    if pages and not targets["queries_do_not_grow"]["met"]:
        lines.append(f"- 查询数随数据增长的页面：{'、'.join(targets['queries_do_not_grow']['value'])}。")
    ledger = results.get("ledger")
    if ledger and not targets["import_70_percent_of_read_only"]["met"]:
        imp, read = ledger["import"], ledger["read_only"]
        allowed = read["median_seconds"] / 0.7
        lines.append(
            f"- 导入：{imp['seconds']:.1f} 秒，是只读读取（{read['median_seconds']:.1f} 秒）的 "
            f"{imp['ratio_to_read_only']:.0%} 速度；达到 70% 须在 {allowed:.1f} 秒内完成，差 {imp['seconds'] - allowed:.1f} 秒。"
            f"其中读取并校验 {imp['worker_read_and_check_seconds']:.1f} 秒，单这一项已是下限的 "
            f"{imp['worker_read_and_check_seconds'] / read['median_seconds']:.1f} 倍；写入数据库 "
            f"{imp['worker_write_seconds']:.1f} 秒。"
        )
    if ledger and not targets["export_80_percent_of_write_only"]["met"]:
        lines.append(
            f"- 导出：只写模式的 {ledger['export']['ratio_to_write_only']:.0%}，差 "
            f"{0.8 - ledger['export']['ratio_to_write_only']:.0%}。"
        )
    load = results.get("load")
    if load and not targets["dashboard_30_percent_of_trivial"]["met"]:
        healthz = load["healthz"]["requests_per_second"]
        needed = 0.3 * healthz
        budget = load["workers"] / needed * 1000
        parts = []
        for name, label in (("dashboard_leader", "区领导"), ("dashboard_city", "市局复核")):
            if name in load:
                page = pages["main"][name] if pages else None
                in_process = (
                    f"（进程内中位数 {page['median_ms']:.0f} ms，其中 {page['queries']} 条 SQL 合计约 {page['sql_ms']:.0f} ms）"
                    if page
                    else ""
                )
                parts.append(f"{label}的首页 {load[name]['requests_per_second']:.0f} 次/秒{in_process}")
        lines.append(
            f"- 首页吞吐量：/healthz {healthz:,.0f} 次/秒，30% 即 {needed:,.0f} 次/秒，相当于每个 worker 每次请求"
            f"只能用 {budget:.1f} ms；实测{'，'.join(parts)}。"
        )
    if lines:
        lines = ["**未达成目标的差距**（本次运行的数字；原因见下文）", "", *lines, ""]
    return lines


def rewrite(path: Path, results: dict[str, Any]) -> None:
    """Replace the results section of ``path`` (appended when the file has none)."""
    text = path.read_text() if path.exists() else "# 性能基准\n"
    block = section(results)
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    # python -m bench.docs bench/results/full.json docs/performance.md: rewrite the section from a saved run
    import json
    import sys

    rewrite(Path(sys.argv[2]), json.loads(Path(sys.argv[1]).read_text()))
