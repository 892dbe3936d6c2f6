"""One write path per model: outside the ``services`` modules, product code never writes a model itself.

An AST scan of every product module for the ORM's write calls (docs/architecture.md "写入只走 services"). A
write found elsewhere fails this test with its file and line: move it into the app's services (atomic,
keyword-only, audited) and call that. The exceptions are few and each says why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Folders that are not product code, or whose writes are the database's own business.
NOT_SCANNED = {".venv", ".git", "tests", "bench", "migrations", "node_modules", "static", "templates", "docs"}

#: Modules allowed to write without a service, and why. Keep this list short.
EXCEPTIONS = {
    # The role groups and their permissions are declared in code and synced after every migrate: configuration,
    # not bureau data, and nobody's action to audit.
    "accounts/roles.py": "role groups synced after migrate",
    # Demo fixtures used only by `manage.py seed_demo` on an empty database (never by a page or a worker): the
    # demo accounts' shared authenticator, the demo organisations, departments and users, the backdated times
    # of the demo workflow, demo pollution sources and demo plans.
    "accounts/demo.py": "demo fixtures",
    "assessment/demo.py": "demo fixtures",
    "inspections/demo.py": "demo fixtures",
    "plans/demo.py": "demo fixtures",
}

ALWAYS_WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
#: ``x.update(...)`` is a write when ``x`` is a queryset; a dict's or a set's is not.
QUERYSET_METHODS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "order_by",
    "using",
    "none",
}


def _chain(node: ast.expr) -> list[str]:
    """The attribute and method names along ``a.b(...).c``, outermost last."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return names


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in ALWAYS_WRITES:
        return True
    if func.attr == "update":
        return bool(QUERYSET_METHODS & set(_chain(func.value)))
    if func.attr == "save" and any(k.arg == "commit" for k in call.keywords):
        return False  # a form's save(commit=False) builds the instance; the caller saves it
    if func.attr in ("save", "delete"):
        # model.save() / obj.delete() / qs.delete(); a workbook's save(buffer), a stored file's
        # save(name, content) and a storage's delete(name) take the target as an argument
        return not call.args
    return False


def product_modules() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not NOT_SCANNED & set(p.relative_to(ROOT).parts[:-1]) and p.name != "conftest.py"
    )


def is_service_module(relative: str) -> bool:
    parts = relative.split("/")
    return parts[-1] == "services.py" or "services" in parts[:-1]


def writes_outside_services() -> list[str]:
    found = []
    for path in product_modules():
        relative = path.relative_to(ROOT).as_posix()
        if is_service_module(relative) or relative in EXCEPTIONS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
            if isinstance(node, ast.Call) and _is_write(node):
                found.append(f"{relative}:{node.lineno}: {ast.unparse(node.func)}(…)")
    return found


def test_no_module_outside_services_writes_a_model():
    found = writes_outside_services()
    assert not found, "写入应经过 services 模块（docs/architecture.md）：\n" + "\n".join(found)


def test_every_exception_still_exists_and_still_writes():
    """A stale exception would let a new module of that name write unseen."""
    for relative in EXCEPTIONS:
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.Call) and _is_write(n) for n in ast.walk(tree)), relative


@pytest.mark.parametrize(
    "line",
    [
        "Report.objects.create(year=2024)",
        "Score.objects.filter(pk=1).update(version=2)",
        "report.sections.all().delete()",
        "assessment.save(update_fields=['status'])",
        "record.delete()",
        "ReportSection.objects.bulk_create(rows)",
        "Group.objects.get_or_create(name='x')",
        "Officer.objects.select_for_update().filter(pk=1).update(status='x')",
    ],
)
def test_the_scan_sees_each_kind_of_write(line):
    assert _is_write(ast.parse(line).body[0].value)


@pytest.mark.parametrize(
    "line",
    [
        "values.update({'a': 1})",
        "initial.update(extra)",
        "wb.save(buffer)",
        "evidence.file.save(name, content, save=False)",
        "storage.delete(name)",
        "found.add(code)",
        "formset.save(commit=False)",
    ],
)
def test_the_scan_ignores_what_is_not_a_model_write(line):
    assert not _is_write(ast.parse(line).body[0].value)
