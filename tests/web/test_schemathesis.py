"""Property-based tests of the API from its OpenAPI description: no answer is a 5xx."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.regression

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from detente.web import create_app  # noqa: E402
from tests.web.conftest import make_settings  # noqa: E402

# schemathesis parametrizes at import, so the app exists before any fixture; its database
# lives in a temporary folder removed when the module's tests end
_FOLDER = Path(tempfile.mkdtemp(prefix="detente-schemathesis-"))
# short limits: whatever run the fuzzer manages to start stops quickly
APP = create_app(make_settings(_FOLDER, run_timeout=2.0, max_runs=2, workers=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    APP.state.workbench.close()
    shutil.rmtree(_FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
