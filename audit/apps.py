from django.apps import AppConfig, apps


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals

        from audit import receivers

        # Sign-in events come from Django's own signals: every login path (the login page, the admin's, a test
        # client's login()) sends them, so none of them can forget to be audited.
        auth_signals.user_logged_in.connect(receivers.logged_in, dispatch_uid="audit.logged_in")
        auth_signals.user_login_failed.connect(receivers.login_failed, dispatch_uid="audit.login_failed")
        auth_signals.user_logged_out.connect(receivers.logged_out, dispatch_uid="audit.logged_out")
        if apps.is_installed("axes"):
            from axes.signals import user_locked_out

            user_locked_out.connect(receivers.locked_out, dispatch_uid="audit.locked_out")
