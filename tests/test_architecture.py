"""Pages, the API, forms and serializers adapt requests to actions; they never write themselves.

Each rule runs on the real tree and on planted files, so a rule that silently stopped
matching anything would show up here.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from tests.architecture_checks import (
    adapter_writes,
    is_adapter_module,
    is_api_module,
    is_app_module,
    raw_query_params,
    report,
    run_checks,
    unsafe_mark_safe,
)

pytestmark = pytest.mark.source_rules


def plant(root: Path, name: str, source: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


# Writes only through actions -------------------------------------------------------------


def test_no_adapter_module_writes_to_the_database() -> None:
    found = run_checks(Path(__file__).resolve().parent.parent, adapter_writes, is_adapter_module)
    if found:
        pytest.fail(report(found), pytrace=False)


def test_adapter_modules_are_the_pages_api_forms_serializers_admin_and_commands() -> None:
    adapters = [
        "wellled/things/views.py",
        "wellled/things/views/intake.py",
        "wellled/things/measures_views.py",
        "wellled/things/public.py",
        "wellled/things/api.py",
        "wellled/things/api/cases.py",
        "wellled/things/serializers.py",
        "wellled/things/forms.py",
        "wellled/things/admin.py",
        "wellled/things/management/commands/tidy.py",
    ]
    others = [
        "wellled/things/actions.py",
        "wellled/things/queries.py",
        "wellled/things/tests/test_views.py",
        "wellled/things/migrations/0001_initial.py",
        "tests/test_views.py",
    ]
    assert all(is_adapter_module(PurePosixPath(name)) for name in adapters)
    assert not any(is_adapter_module(PurePosixPath(name)) for name in others)


def test_a_planted_write_in_a_view_is_named_with_its_line(tmp_path: Path) -> None:
    plant(
        tmp_path,
        "wellled/things/views.py",
        "def close(request, thing):\n"
        "    thing.status = 'closed'\n"
        "    thing.save()\n"
        "    Thing.objects.filter(pk=1).update(status='closed')\n"
        "    Thing.objects.get_or_create(name='x')\n",
    )
    plant(tmp_path, "wellled/things/api/cases.py", "def make(d):\n    Thing.objects.create(**d)\n")
    plant(tmp_path, "wellled/things/serializers.py", "def gone(thing):\n    thing.delete()\n")
    plant(tmp_path, "wellled/things/actions.py", "def close(*, thing):\n    thing.save()\n")

    found = [str(v) for v in run_checks(tmp_path, adapter_writes, is_adapter_module)]

    assert found == [
        "wellled/things/api/cases.py:2: [writes-through-actions] `Thing.objects.create(...)`"
        " writes from an adapter module; call the app's action instead"
        " (docs/architecture.md, The layers)",
        "wellled/things/serializers.py:2: [writes-through-actions] `thing.delete(...)`"
        " writes from an adapter module; call the app's action instead"
        " (docs/architecture.md, The layers)",
        "wellled/things/views.py:3: [writes-through-actions] `thing.save(...)`"
        " writes from an adapter module; call the app's action instead"
        " (docs/architecture.md, The layers)",
        "wellled/things/views.py:4: [writes-through-actions]"
        " `Thing.objects.filter(pk=1).update(...)` writes from an adapter module; call the"
        " app's action instead (docs/architecture.md, The layers)",
        "wellled/things/views.py:5: [writes-through-actions]"
        " `Thing.objects.get_or_create(...)` writes from an adapter module; call the app's"
        " action instead (docs/architecture.md, The layers)",
    ]


def test_a_view_that_calls_an_action_and_updates_a_dict_passes(tmp_path: Path) -> None:
    plant(
        tmp_path,
        "wellled/things/views.py",
        "from wellled.things import actions\n"
        "def close(request, thing):\n"
        "    initial = {}\n"
        "    initial.update({'reason': 'done'})\n"
        "    actions.close_thing(acting_user=request.user, thing=thing)\n",
    )
    assert run_checks(tmp_path, adapter_writes, is_adapter_module) == []


# API filters through core's readers ----------------------------------------------------------


def test_no_api_module_reads_query_parameters_itself() -> None:
    found = run_checks(Path(__file__).resolve().parent.parent, raw_query_params, is_api_module)
    if found:
        pytest.fail(report(found), pytrace=False)


def test_a_planted_raw_query_parameter_in_an_api_is_named_with_its_line(tmp_path: Path) -> None:
    source = "def list(self, request):\n    return request.query_params.get('unit')\n"
    plant(tmp_path, "wellled/things/api.py", source)
    plant(tmp_path, "wellled/things/api/cases.py", source)
    plant(tmp_path, "wellled/things/views.py", source)
    plant(tmp_path, "wellled/core/api.py", source)

    found = run_checks(tmp_path, raw_query_params, is_api_module)

    assert [(v.path, v.line, v.rule) for v in found] == [
        ("wellled/things/api.py", 2, "filters-through-core-api"),
        ("wellled/things/api/cases.py", 2, "filters-through-core-api"),
    ]


# mark_safe ---------------------------------------------------------------------------------


def test_no_module_marks_built_text_safe() -> None:
    found = run_checks(Path(__file__).resolve().parent.parent, unsafe_mark_safe, is_app_module)
    if found:
        pytest.fail(report(found), pytrace=False)


def test_a_planted_mark_safe_on_built_text_is_named_with_its_line(tmp_path: Path) -> None:
    plant(
        tmp_path,
        "wellled/things/views.py",
        "from django.utils.safestring import SafeString, mark_safe\n"
        "from django.utils import safestring\n"
        "def a(name):\n"
        "    return mark_safe(f'<b>{name}</b>')\n"
        "def b(name):\n"
        "    return mark_safe('<b>{}</b>'.format(name))\n"
        "def c(name):\n"
        "    return safestring.mark_safe('<b>' + name + '</b>')\n"
        "def d(name):\n"
        "    return SafeString('<b>%s</b>' % name)\n",
    )
    found = run_checks(tmp_path, unsafe_mark_safe, is_app_module)
    assert [(v.line, v.rule) for v in found] == [
        (4, "no-mark-safe-on-built-text"),
        (6, "no-mark-safe-on-built-text"),
        (8, "no-mark-safe-on-built-text"),
        (10, "no-mark-safe-on-built-text"),
    ]
    assert str(found[0]).startswith("wellled/things/views.py:4: [no-mark-safe-on-built-text] ")


def test_mark_safe_on_fixed_or_escaped_text_passes(tmp_path: Path) -> None:
    plant(
        tmp_path,
        "wellled/things/views.py",
        "from django.utils.html import format_html\n"
        "from django.utils.safestring import mark_safe\n"
        "ICON = mark_safe('<svg></svg>')\n"
        "PLAIN = mark_safe(f'<svg></svg>')\n"
        "def a(name):\n"
        "    return format_html('<b>{}</b>', name)\n",
    )
    assert run_checks(tmp_path, unsafe_mark_safe, is_app_module) == []
