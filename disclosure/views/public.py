"""The public site (no login): penalty decisions, one decision, open data, the feed.

Every view is wrapped in ``public_view`` (disclosure/public_http.py): rate limit per client address, page cache
keyed by what is published, ``Cache-Control: public``. They read only through ``disclosure.selectors``, which read
only the masked snapshots.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from common.http import attachment_response
from disclosure import exports, selectors
from disclosure import random_checks as random_checks_selectors
from disclosure.feeds import PenaltyFeed
from disclosure.public_http import DOWNLOAD_MAX_AGE, public_view


def _site_context(organization_ids: list[int] | None) -> dict:
    contacts = selectors.contacts(organization_ids)
    if not contacts and organization_ids:
        contacts = selectors.contacts()
    return {"contacts": contacts}


@public_view()
def penalty_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = selectors.parse_filters(request.GET, today=today)
    page = selectors.public_page(filters, today=today)
    districts = selectors.districts()
    chosen = next((d for d in districts if d.code == filters.district), None)
    keep = {k: v for k, v in request.GET.items() if k in ("q", "district", "year", "type") and v}
    context = {
        "page": page,
        "filters": filters,
        "districts": districts,
        "district": chosen,
        "years": selectors.public_years(today=today),
        "outcomes": [(key, value.label) for key, value in selectors.OUTCOME_FILTERS.items()],
        "next_url": f"?{urlencode({**keep, 'after': page.next_cursor})}" if page.next_cursor else "",
        "first_url": f"?{urlencode(keep)}" if filters.after else "",
        **_site_context([chosen.pk] if chosen else None),
    }
    return render(request, "disclosure/penalty_list.html", context)


@public_view()
def penalty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.public_item(pk, today=timezone.localdate())
    if publication is None:
        raise Http404("没有这一公示，或它已撤下。")
    context = {
        "item": publication,
        "current": selectors.current_version_of(publication),
        **_site_context([publication.organization_id]),
    }
    return render(request, "disclosure/penalty_detail.html", context)


@public_view(DOWNLOAD_MAX_AGE)
def penalty_csv(request: HttpRequest) -> HttpResponse:
    data = exports.penalties_csv(selectors.open_data(today=timezone.localdate()))
    return attachment_response(
        data,
        filename="行政处罚决定公示.csv",
        ascii_name="penalty-decisions.csv",
        content_type="text/csv; charset=utf-8",
    )


@public_view(DOWNLOAD_MAX_AGE)
def penalty_json(request: HttpRequest) -> HttpResponse:
    def url_of(pk: int) -> str:
        return request.build_absolute_uri(reverse("disclosure:penalty-detail", args=[pk]))

    data = exports.penalties_json(
        selectors.open_data(today=timezone.localdate()), generated=timezone.now(), url_of=url_of
    )
    return HttpResponse(data, content_type="application/json; charset=utf-8")


@public_view(DOWNLOAD_MAX_AGE)
def penalty_feed(request: HttpRequest) -> HttpResponse:
    return PenaltyFeed()(request)


@public_view()
def enforcers(request: HttpRequest) -> HttpResponse:
    """执法主体与人员 (三项制度: who enforces): one district's bureau and its certified officers."""
    districts = selectors.districts()
    code = str(request.GET.get("district", ""))[:40] or (districts[0].code if districts else "")
    found = selectors.enforcers(code, today=timezone.localdate()) if code else None
    if code and found is None:
        raise Http404("没有这个区。")
    context = {
        "districts": districts,
        "found": found,
        **_site_context([found.organization.pk] if found else None),
    }
    return render(request, "disclosure/enforcers.html", context)


@public_view()
def random_checks(request: HttpRequest) -> HttpResponse:
    """双随机、一公开: one district's published monthly plans and its draws' results, for one year."""
    today = timezone.localdate()
    districts = selectors.districts()
    code = str(request.GET.get("district", ""))[:40] or (districts[0].code if districts else "")
    raw_year = str(request.GET.get("year", ""))
    years = random_checks_selectors.years(today=today)
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in years else today.year
    found = random_checks_selectors.random_checks(code, year=year) if code else None
    if code and found is None:
        raise Http404("没有这个区。")
    context = {
        "districts": districts,
        "years": years,
        "year": year,
        "found": found,
        **_site_context([found.organization.pk] if found else None),
    }
    return render(request, "disclosure/random_checks.html", context)
