"""The bureau's signing certificate as the admin uploads it in the Django admin: checked before it is saved,
the passphrase stored encrypted."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import SigningCredential
from assessment.reports.signing import decrypt_passphrase
from tests.assessment.reports.conftest import PASSPHRASE

ADD = "admin:assessment_signingcredential_add"


def post(client, org, data: bytes, passphrase: str):
    return client.post(
        reverse(ADD),
        {
            "organization": org.pk,
            "pkcs12_file": SimpleUploadedFile("bureau.p12", data, "application/x-pkcs12"),
            "passphrase": passphrase,
        },
    )


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
    response = post(client, no_credential, signing_p12, PASSPHRASE)
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = SigningCredential.objects.get(organization=no_credential)
    assert "上海市长宁区生态环境局" in credential.subject
    assert bytes(credential.pkcs12) == signing_p12
    # a Fernet token (version byte 0x80, base64), not the passphrase; a substring test would be flaky with "pw"
    assert bytes(credential.passphrase_encrypted).startswith(b"gAAAAA")
    assert decrypt_passphrase(bytes(credential.passphrase_encrypted)) == PASSPHRASE
