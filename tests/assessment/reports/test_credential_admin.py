"""The bureau's signing certificate and seal image as the admin uploads them in the Django admin: checked before
they are saved, the passphrase stored encrypted, the seal normalised to a square PNG."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessment.models import SigningCredential
from assessment.reports.seal import SIZE_PX
from assessment.reports.signing import decrypt_passphrase
from tests.assessment.reports.conftest import PASSPHRASE

ADD = "admin:assessment_signingcredential_add"


def scanned_seal(width: int = 420, height: int = 400, fmt: str = "JPEG") -> bytes:
    """A red ring on white paper, as a scanner gives it."""
    image = Image.new("RGB", (width, height), "white")
    from PIL import ImageDraw

    ImageDraw.Draw(image).ellipse((10, 10, width - 10, height - 10), outline=(220, 20, 30), width=14)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def post(client, org, data: bytes, passphrase: str, seal: bytes | None = None, url: str | None = None):
    form = {
        "organization": org.pk,
        "pkcs12_file": SimpleUploadedFile("bureau.p12", data, "application/x-pkcs12"),
        "passphrase": passphrase,
    }
    if seal is not None:
        form["seal_file"] = SimpleUploadedFile("seal.jpg", seal, "image/jpeg")
    return client.post(url or reverse(ADD), form)


@pytest.fixture
def no_credential(demo):
    SigningCredential.objects.filter(organization=demo.changning).delete()
    return demo.changning


def test_a_wrong_passphrase_or_a_junk_file_is_refused_and_nothing_is_saved(client, adam, no_credential, signing_p12):
    client.force_login(adam)
    response = post(client, no_credential, signing_p12, "not-the-passphrase")
    assert response.status_code == 200
    assert "证书口令错误，或文件不是有效的 PKCS#12" in response.content.decode()
    response = post(client, no_credential, b"not a certificate at all", PASSPHRASE)
    assert "证书口令错误，或文件不是有效的 PKCS#12" in response.content.decode()
    assert not SigningCredential.objects.filter(organization=no_credential).exists()


def test_a_valid_certificate_is_saved_with_its_subject_and_an_encrypted_passphrase(
    client, adam, no_credential, signing_p12
):
    client.force_login(adam)
    response = post(client, no_credential, signing_p12, PASSPHRASE, seal=scanned_seal())
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = SigningCredential.objects.get(organization=no_credential)
    assert "上海市长宁区生态环境局" in credential.subject
    assert bytes(credential.pkcs12) == signing_p12
    # a Fernet token (version byte 0x80, base64), not the passphrase; a substring test would be flaky with "pw"
    assert bytes(credential.passphrase_encrypted).startswith(b"gAAAAA")
    assert decrypt_passphrase(bytes(credential.passphrase_encrypted)) == PASSPHRASE


def test_the_seal_image_is_required_checked_and_stored_square_with_the_paper_transparent(
    client, adam, no_credential, signing_p12
):
    client.force_login(adam)
    response = post(client, no_credential, signing_p12, PASSPHRASE)
    assert "请上传本单位的印章图片" in response.content.decode()
    response = post(client, no_credential, signing_p12, PASSPHRASE, seal=b"GIF89a not really")
    assert "印章文件不是可读取的图片" in response.content.decode()
    response = post(client, no_credential, signing_p12, PASSPHRASE, seal=scanned_seal(800, 300))
    assert "不是近似正方形" in response.content.decode()
    response = post(client, no_credential, signing_p12, PASSPHRASE, seal=scanned_seal(60, 60))
    assert "太小" in response.content.decode()
    assert not SigningCredential.objects.filter(organization=no_credential).exists()

    response = post(client, no_credential, signing_p12, PASSPHRASE, seal=scanned_seal())
    assert response.status_code == 302
    credential = SigningCredential.objects.get(organization=no_credential)
    seal = Image.open(io.BytesIO(bytes(credential.seal_image)))
    assert (seal.format, seal.mode, seal.size) == ("PNG", "RGBA", (SIZE_PX, SIZE_PX))
    assert seal.getpixel((SIZE_PX // 2, SIZE_PX // 2))[3] == 0  # the white paper inside the ring
    red, green, blue, alpha = seal.getpixel((SIZE_PX // 2, 38))  # the ring at the top (27 px of 420 down)
    assert alpha == 255 and red > 180 and green < 90 and blue < 90

    # Replacing only the certificate keeps the seal.
    stored = bytes(credential.seal_image)
    change = reverse("admin:assessment_signingcredential_change", args=[credential.pk])
    response = post(client, no_credential, signing_p12, PASSPHRASE, url=change)
    assert response.status_code == 302, response.content.decode()[:2000]
    credential.refresh_from_db()
    assert bytes(credential.seal_image) == stored
