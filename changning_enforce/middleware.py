"""When the database is away for a moment, people get a clear page, not a traceback."""

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError) or (
        isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
    )


def database_unavailable_response() -> HttpResponse:
    # The template uses no database (no user, no messages): it must render while the database is down.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Catches it in views. A middleware that reads the session or the user before the view (a signed-in
    request) fails outside this one's reach: the 500 handler (changning_enforce.views.server_error) takes those."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable_response() if is_database_unavailable(exception) else None


class RefuseNulMiddleware:
    """A NUL character in a query parameter is refused with 400: no text the product stores or looks up can
    hold one (PostgreSQL refuses it in any string), so it only ever reaches a view as a probe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponse(
                "请求参数中含有不允许的字符（NUL）。", status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
