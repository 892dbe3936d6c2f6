from django.apps import AppConfig
from django.urls import register_converter


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "公共"

    def ready(self) -> None:
        from common.converters import IdConverter

        # before any URLconf is imported: every app's urls.py writes <id:pk>, never <int:pk>
        register_converter(IdConverter, "id")
