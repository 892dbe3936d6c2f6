from django.urls import path

from assessment import views
from assessment.reports import views as report_views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<id:pk>/", views.assessment_detail, name="detail"),
    path("<id:pk>/scores/", views.score_sheet, name="score-sheet"),
    path("<id:pk>/scores/<id:indicator_pk>/", views.score_edit, name="score-edit"),
    path("<id:pk>/evidence/<id:evidence_pk>/", views.evidence_download, name="evidence-download"),
    path("<id:pk>/evidence/<id:evidence_pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("<id:pk>/submit/", views.assessment_submit, name="submit"),
    path("<id:pk>/return/", views.assessment_return, name="return"),
    path("<id:pk>/approve/", views.assessment_approve, name="approve"),
    path("<id:pk>/measures/<id:rule_pk>/", views.measure_records, name="measure-records"),
    path("<id:pk>/export.xlsx", views.score_export, name="export"),
    path("<id:pk>/import/", views.score_import, name="import"),
    path("<id:assessment_pk>/report/new/", report_views.report_create, name="report-create"),
    path("reports/<id:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<id:pk>/edit/", report_views.report_edit, name="report-edit"),
    path("reports/<id:pk>/jobs/<str:kind>/", report_views.report_job_start, name="report-job-start"),
    path("reports/jobs/<id:job_pk>/", report_views.report_job_status, name="report-job-status"),
    path("reports/jobs/<id:job_pk>/preview.pdf", report_views.report_job_pdf, name="report-job-pdf"),
    path("reports/<id:pk>/v<id:version>.pdf", report_views.report_version_pdf, name="report-version-pdf"),
    path("reports/<id:pk>/correct/", report_views.report_correct, name="report-correct"),
    path("verify/", report_views.report_verify, name="report-verify"),
]
