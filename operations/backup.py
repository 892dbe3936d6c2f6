"""A whole-product backup (database rows and uploaded media) in one .tar.gz, and its restore.

Portable across SQLite and PostgreSQL (Django's serializers with natural keys), so the demo and the tests use it
on either database. For large production databases the README's `pg_dump -Fc` procedure is faster; both
include the media directory.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

# Transient or rebuilt-by-migrate state that a restore must not carry over.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "django_tasks_db", "axes"]
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"


class BackupError(RuntimeError):
    """The message is shown to the operator as is."""


def _excluded_labels() -> list[str]:
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in EXCLUDED if label.split(".")[0] in installed]


def model_counts(data: bytes) -> dict[str, int]:
    return dict(Counter(item["model"] for item in json.loads(data)))


def create_backup(out: Path) -> dict[str, int]:
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=_excluded_labels(),
        stdout=buffer,
        verbosity=0,
    )
    data = buffer.getvalue().encode()
    counts = model_counts(data)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "counts": counts,
        "media_files": [],
    }
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(out, "w:gz") as tar:
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for path in files:
            name = path.relative_to(media).as_posix()
            manifest["media_files"].append(name)
            tar.add(path, arcname=f"media/{name}")
        for name, payload in ((DATA_NAME, data), (MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return counts


def restore_backup(archive: Path) -> dict[str, int]:
    """Into a migrated, empty database; all rows in one transaction, then the media files."""
    from accounts.models import Organization

    if Organization.objects.exists():
        raise BackupError("目标数据库不是空的（已有机构数据），为避免覆盖，拒绝恢复。请先 migrate 一个空数据库。")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115  (closed by the with-block below; open errors are ours)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{exc}") from exc
    with tar, tempfile.TemporaryDirectory() as scratch:
        names = tar.getnames()
        if DATA_NAME not in names or MANIFEST_NAME not in names:
            raise BackupError("备份文件不完整：缺少 data.json 或 manifest.json。")
        tar.extractall(scratch, filter="data")  # refuses absolute paths, "..", links out of the folder
        root = Path(scratch)
        manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        # loaddata: one transaction, forward references between rows resolved, sequences reset afterwards.
        call_command("loaddata", str(root / DATA_NAME), verbosity=0)
        media = Path(settings.MEDIA_ROOT)
        for name in manifest["media_files"]:
            target = media / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((root / "media" / name).read_bytes())
    return manifest["counts"]
