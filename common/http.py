from urllib.parse import quote

from django.http import HttpResponse

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_response(data: bytes, *, filename: str, ascii_name: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 6266 filename*) and an ASCII fallback for old clients."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response
