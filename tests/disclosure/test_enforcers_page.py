"""执法主体与人员: the district's bureau and its serving, certified officers: names and 执法证号, nothing else."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from inspections.roster.models import Officer

URL = reverse("disclosure:enforcers")


def officer(org, name, number, *, valid=True, status=Officer.Status.ON_DUTY):
    today = timezone.localdate()
    end = today + timedelta(days=300) if valid else today - timedelta(days=1)
    return Officer.objects.create(
        organization=org,
        name=name,
        certificate_number=number,
        certificate_valid_from=today - timedelta(days=400),
        certificate_valid_to=end,
        status=status,
    )


def test_it_lists_certified_serving_officers_of_the_chosen_district(client, changning, xuhui, alice):
    officer(changning, "李执法", "31010520001")
    officer(changning, "过期人", "31010520002", valid=False)
    officer(changning, "已退休", "31010520003", status=Officer.Status.RETIRED)
    officer(xuhui, "徐汇人", "31010420001")
    page = client.get(URL, {"district": "changning"})
    text = page.content.decode()
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    assert "上海市长宁区生态环境局" in text and "李执法" in text and "31010520001" in text
    for hidden in ("过期人", "已退休", "徐汇人", alice.username):
        assert hidden not in text
    assert "徐汇人" in client.get(URL, {"district": "xuhui"}).content.decode()


def test_an_unknown_district_is_404(client, changning):
    assert client.get(URL, {"district": "nowhere"}).status_code == 404
    assert client.get(URL).status_code == 200  # the first district
