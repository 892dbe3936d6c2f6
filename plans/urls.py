from django.urls import path

from plans.views import draws, lists, plans

app_name = "plans"

urlpatterns = [
    path("", plans.index_view, name="index"),
    path("annual/new/", plans.annual_create_view, name="annual-create"),
    path("annual/<id:pk>/", plans.annual_detail_view, name="annual-detail"),
    path("annual/<id:pk>/edit/", plans.annual_edit_view, name="annual-edit"),
    path("annual/<id:pk>/campaigns/", plans.campaign_add_view, name="campaign-add"),
    path("annual/<id:pk>/monthly/new/", plans.monthly_create_view, name="monthly-create"),
    path("monthly/<id:pk>/", plans.monthly_detail_view, name="monthly-detail"),
    path("monthly/<id:pk>/edit/", plans.monthly_edit_view, name="monthly-edit"),
    path("monthly/<id:pk>/file/", plans.monthly_file_view, name="monthly-file"),
    path("monthly/<id:pk>/acknowledge/", plans.monthly_acknowledge_view, name="monthly-acknowledge"),
    path("monthly/<id:pk>/return/", plans.monthly_return_view, name="monthly-return"),
    path("monthly/<id:pk>/publish/", plans.monthly_publish_view, name="monthly-publish"),
    path("monthly/<id:pk>/seed/", plans.seed_view, name="seed"),
    path("monthly/<id:pk>/draw/", draws.draw_run_view, name="draw-run"),
    path("draws/<id:pk>/", draws.draw_detail_view, name="draw-detail"),
    path("draws/<id:pk>/redraw/", draws.redraw_view, name="redraw"),
    path("draws/<id:pk>/record.pdf", draws.draw_pdf_view, name="draw-pdf"),
    path("draws/<id:pk>/record.xlsx", draws.draw_xlsx_view, name="draw-xlsx"),
    path("draws/<id:pk>/record.json", draws.draw_json_view, name="draw-json"),
    path("filings/", plans.filings_view, name="filings"),
    path("sources/", lists.sources_view, name="sources"),
    path("sources/import/", lists.categories_import_view, name="categories-import"),
    path("sources/template.xlsx", lists.categories_template_view, name="categories-template"),
    path("items/", lists.items_view, name="items"),
    path("figures/", lists.figures_view, name="figures"),
]
