"""python manage.py create_demo_pki: a demo CA and a signing certificate for each demo bureau.

Writes DEMO_PKI_DIR/demo-ca.pem (the trust root that REPORT_TRUST_ROOTS points to by default) and configures a
signing credential, with the demo seal (it says 演示), for every district that has none, and gives the demo seal
to a credential that has no seal yet. Running it again changes nothing; an existing demo CA is reused so that
reports signed earlier stay trusted.
"""

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Organization
from assessment.models import SigningCredential
from assessment.reports.pki import DemoCA, make_ca, make_signing_p12
from assessment.reports.seal import demo_seal_png
from assessment.reports.services import configure_credential, set_seal_image

DEMO_PASSPHRASE = "demo-signing-2024"


def demo_ca(directory: Path) -> DemoCA:
    directory.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = directory / "demo-ca.pem", directory / "demo-ca.key"
    if cert_file.exists() and key_file.exists():
        return DemoCA(
            key=serialization.load_pem_private_key(key_file.read_bytes(), password=None),
            cert=x509.load_pem_x509_certificate(cert_file.read_bytes()),
        )
    ca = make_ca()
    key_file.write_bytes(
        ca.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(ca.pem)
    return ca


class Command(BaseCommand):
    help = "创建演示用的根证书和各区局签名证书（仅供演示和测试）。可重复执行。"

    def handle(self, *args, **options):
        directory = Path(settings.DEMO_PKI_DIR)
        ca = demo_ca(directory)
        missing = Organization.objects.filter(kind=Organization.Kind.DISTRICT, signing_credential__isnull=True)
        for org in missing:
            p12 = make_signing_p12(ca, common_name=org.name, passphrase=DEMO_PASSPHRASE)
            (directory / f"{org.code}.p12").write_bytes(p12)
            configure_credential(
                organization=org, pkcs12_data=p12, passphrase=DEMO_PASSPHRASE, seal_image=demo_seal_png()
            )
            self.stdout.write(f"签名证书：{org.name}")
        for credential in SigningCredential.objects.select_related("organization"):
            if not credential.seal_image:
                set_seal_image(credential=credential, seal_image=demo_seal_png())
                self.stdout.write(f"演示印章：{credential.organization.name}")
        self.stdout.write(f"演示根证书：{directory / 'demo-ca.pem'}（{ca.cert.subject.rfc4514_string()}）")
