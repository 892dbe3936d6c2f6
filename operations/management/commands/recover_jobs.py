from django.core.management.base import BaseCommand

from assessment.reports.services import fail_abandoned_jobs
from inspections.services.imports import fail_abandoned_imports


class Command(BaseCommand):
    help = "把任务进程中断后遗留为“进行中”的台账导入和报告任务标记为失败（可在定时任务中运行）。"

    def handle(self, *args, **options):
        imports, reports = fail_abandoned_imports(), fail_abandoned_jobs()
        self.stdout.write(f"中断的台账导入：{imports}；中断的报告任务：{reports}")
