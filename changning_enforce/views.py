import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from changning_enforce.middleware import database_unavailable_response, is_database_unavailable


def healthz(request: HttpRequest) -> HttpResponse:
    """For the proxy and monitoring: 200 when the application can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it while handling the exception, so sys.exc_info() names it: a database that
    is away gets the 503 page wherever it failed (the session and user middleware read it before any view)."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response()
    return defaults.server_error(request)
