from django.urls import path

from assessment import views
from assessment.reports import views as report_views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/scores/", views.score_sheet, name="score-sheet"),
    path("<int:pk>/scores/<int:indicator_pk>/", views.score_edit, name="score-edit"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("<int:pk>/return/", views.assessment_return, name="return"),
    path("<int:pk>/approve/", views.assessment_approve, name="approve"),
    path("<int:pk>/measures/<int:rule_pk>/", views.measure_records, name="measure-records"),
    path("<int:pk>/export.xlsx", views.score_export, name="export"),
    path("<int:pk>/import/", views.score_import, name="import"),
    path("<int:assessment_pk>/report/new/", report_views.report_create, name="report-create"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report-edit"),
    path("reports/<int:pk>/jobs/<str:kind>/", report_views.report_job_start, name="report-job-start"),
    path("reports/jobs/<int:job_pk>/", report_views.report_job_status, name="report-job-status"),
    path("reports/jobs/<int:job_pk>/preview.pdf", report_views.report_job_pdf, name="report-job-pdf"),
    path("reports/<int:pk>/v<int:version>.pdf", report_views.report_version_pdf, name="report-version-pdf"),
    path("reports/<int:pk>/correct/", report_views.report_correct, name="report-correct"),
    path("verify/", report_views.report_verify, name="report-verify"),
]
