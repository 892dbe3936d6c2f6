"""Digital signatures on issued reports (pyHanko, PAdES baseline, SHA-256), and their verification."""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings

from assessment.reports.content import chinese_date

MM = 72 / 25.4
FIELD_NAME = "Signature1"
# The report marks where the seal goes with this destination (the .seal-box over the 署名 and 成文日期).
SEAL_DESTINATION = "seal"


class SigningError(ValueError):
    """The message is shown to the user as is."""


def _fernet() -> Fernet:
    key = hashlib.sha256(b"report-signing-passphrase:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_passphrase(passphrase: str) -> bytes:
    return _fernet().encrypt(passphrase.encode())


def decrypt_passphrase(token: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(token)).decode()
    except InvalidToken:
        raise SigningError("签名证书口令无法解密（SECRET_KEY 已更换？），请管理员重新配置签名证书。") from None


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    not_after: datetime


def check_pkcs12(data: bytes, passphrase: str, *, now: datetime | None = None) -> CertificateInfo:
    """Refuse, with the reason, a certificate that cannot sign a report today."""
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(bytes(data), passphrase.encode() or None)
    except ValueError:
        raise SigningError("证书口令错误，或文件不是有效的 PKCS#12（.p12/.pfx）证书。") from None
    if key is None or cert is None:
        raise SigningError("PKCS#12 文件中没有签名私钥或证书。")
    now = now or datetime.now(UTC)
    subject = cert.subject.rfc4514_string()
    if cert.not_valid_after_utc < now:
        raise SigningError(f"签名证书（{subject}）已于{chinese_date(cert.not_valid_after_utc)}过期。")
    if cert.not_valid_before_utc > now:
        raise SigningError(f"签名证书（{subject}）尚未生效（{chinese_date(cert.not_valid_before_utc)}起生效）。")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise SigningError(f"签名证书（{subject}）没有密钥用法扩展，不能用于数字签名。") from None
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningError(f"签名证书（{subject}）的密钥用法不包含数字签名，不能用于签发。")
    return CertificateInfo(subject=subject, not_after=cert.not_valid_after_utc)


def seal_place(writer) -> tuple[int, tuple[int, int, int, int]]:
    """The page index and box (PDF points) of the report's seal destination."""
    from assessment.reports.typesetting import SEAL_DIAMETER_MM

    names = writer.root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    flat = list(dests.get("/Names", [])) if dests is not None else []
    for name, destination in zip(flat[::2], flat[1::2], strict=True):
        if str(name) != SEAL_DESTINATION:
            continue
        page_ref, _, left, top = list(destination.get_object())[:4]
        count = int(writer.root["/Pages"]["/Count"])
        page = next(i for i in range(count) if writer.find_page_for_modification(i)[0].idnum == page_ref.idnum)
        size = SEAL_DIAMETER_MM * MM
        return page, (round(float(left)), round(float(top) - size), round(float(left) + size), round(float(top)))
    raise SigningError("报告PDF中没有印章位置，无法签发；请重新生成报告。")


def _seal_style(seal_png: bytes):
    """The seal image over the whole signature box, multiplied into the page like ink: the black name and date
    under it stay black, the paper turns red."""
    from PIL import Image
    from pyhanko.pdf_utils import content, generic
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import StaticStampStyle
    from pyhanko.stamp.static import StaticContentStamp

    class SealStamp(StaticContentStamp):
        def _render_background(self):
            image = self.style.background
            image.set_writer(self.writer)
            image.box = BoxConstraints(width=self.box.width, height=self.box.height)
            drawn = image.render()
            self.set_resource(
                category=content.ResourceType.EXT_G_STATE,
                name=generic.pdf_name("/SealGS"),
                value=generic.DictionaryObject({generic.pdf_name("/BM"): generic.pdf_name("/Multiply")}),
            )
            self.import_resources(image.resources)
            return b"q /SealGS gs " + drawn + b" Q"

    class SealStampStyle(StaticStampStyle):
        def create_stamp(self, writer, box, text_params):
            return SealStamp(writer=writer, style=self, box=box)

    image = Image.open(io.BytesIO(bytes(seal_png)))
    image.load()
    return SealStampStyle(background=PdfImage(image.convert("RGBA")), border_width=0)


def sign_pdf(
    pdf: bytes,
    *,
    pkcs12_data: bytes,
    passphrase: str,
    seal_png: bytes,
    signer_name: str,
    issuer_name: str,
) -> bytes:
    """Sign with the bureau's certificate; the signature's visible appearance is its seal, at the report's seal
    destination (GB/T 9704 7.3.5.1). Who signed and when is in the signature itself."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    check_pkcs12(pkcs12_data, passphrase)
    signer = signers.SimpleSigner.load_pkcs12_data(bytes(pkcs12_data), other_certs=[], passphrase=passphrase.encode())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page, box = seal_place(writer)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason="签发",
        location=issuer_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=_seal_style(seal_png),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box),
    )
    return pdf_signer.sign_pdf(writer).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool
    trusted: bool
    covers_whole_file: bool
    signer_subject: str
    problem: str

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.trusted and self.covers_whole_file


def trust_roots() -> list:
    from pyhanko.keys import load_certs_from_pemder

    paths = [Path(p) for p in settings.REPORT_TRUST_ROOTS if Path(p).is_file()]
    return list(load_certs_from_pemder([str(p) for p in paths])) if paths else []


def check_signature(data: bytes) -> SignatureCheck:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except MemoryError:
        raise  # the caller's memory limit stopped it (changning_enforce.bounded): not a property of the file
    except (PdfReadError, Exception) as exc:  # a malformed file raises anything, RecursionError included
        return SignatureCheck(False, False, False, False, "", f"文件无法作为 PDF 读取（{type(exc).__name__}）。")
    if not signatures:
        return SignatureCheck(False, False, False, False, "", "文件中没有数字签名。")
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=trust_roots(), allow_fetching=False))
    except Exception as exc:  # a damaged signature dictionary raises from deep inside pyHanko
        return SignatureCheck(True, False, False, False, "", f"签名无法校验（{type(exc).__name__}）。")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    subject = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    problem = ""
    if not status.intact or not status.valid:
        problem = "签名与文件内容不符：文件在签名后被改动过。"
    elif not status.trusted:
        problem = "签名证书不能追溯到本系统配置的信任根证书。"
    elif not whole:
        problem = "签名之后文件又被追加了内容。"
    return SignatureCheck(True, bool(status.intact and status.valid), bool(status.trusted), whole, subject, problem)
