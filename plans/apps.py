from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "检查计划与双随机抽查"
