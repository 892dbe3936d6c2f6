from django.contrib import admin
from django.urls import include, path

from changning_enforce import views
from dashboard import views as dashboard_views

admin.site.site_header = "执法规范化自评系统 · 管理后台"
admin.site.site_title = "执法规范化自评系统"
admin.site.index_title = "标准与用户维护"

handler500 = "changning_enforce.views.server_error"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("assessments/", include("assessment.urls")),
    path("records/", include("inspections.urls")),
    path("plans/", include("plans.urls")),
    path("review/", include("review.urls")),
    path("audit/", include("audit.urls")),
    # 执法公示: the public site and each district's publication desk (docs/disclosure.md)
    path("gongshi/", include("disclosure.urls")),
    path("admin/", admin.site.urls),
]
