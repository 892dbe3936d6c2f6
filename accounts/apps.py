from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from accounts.roles import sync_roles_after_migrate

        # Groups hold permissions that only exist after every app has migrated.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
