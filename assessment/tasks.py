"""Background tasks, run by `python manage.py db_worker` (django-tasks, database backend)."""

from django_tasks import task

from assessment.reports.services.jobs import run_job


@task()
def report_job_task(job_id: int) -> str:
    return run_job(job_id=job_id)
