from django.urls import path

from disclosure.views import desk, public

app_name = "disclosure"

urlpatterns = [
    # the public site: stable addresses, no login
    path("", public.penalty_list, name="penalty-list"),
    path("xzcf/<id:pk>/", public.penalty_detail, name="penalty-detail"),
    path("xzcf.csv", public.penalty_csv, name="penalty-csv"),
    path("xzcf.json", public.penalty_json, name="penalty-json"),
    path("feed.atom", public.penalty_feed, name="feed"),
    path("zhifa/", public.enforcers, name="enforcers"),
    path("shuangsuiji/", public.random_checks, name="random-checks"),
    # the district's desk
    path("manage/", desk.desk, name="desk"),
    path("manage/cases/<id:pk>/publish/", desk.publish, name="case-publish"),
    path("manage/publications/<id:pk>/correct/", desk.correct, name="publication-correct"),
    path("manage/publications/<id:pk>/withdraw/", desk.withdraw, name="publication-withdraw"),
]
