"""Every public function of detente.verify documents itself and cites a source."""

from __future__ import annotations

import inspect
import re

import pytest

import detente.verify as verify

pytestmark = pytest.mark.regression

FUNCTIONS = [name for name in verify.__all__ if inspect.isfunction(getattr(verify, name))]
CITATION = re.compile(r"docs/discussion/|Source|\b(19|20)\d\d\b")


def test_public_api_names() -> None:
    for name in (
        "enrichment",
        "breakout",
        "dresher_value",
        "detection_probability",
        "loss_for_detection",
        "assess_freeze",
        "VerificationSpec",
    ):
        assert name in verify.__all__


@pytest.mark.parametrize("name", FUNCTIONS)
def test_docstring_cites_source(name: str) -> None:
    doc = inspect.getdoc(getattr(verify, name)) or ""
    assert doc, f"{name} has no docstring"
    assert CITATION.search(doc), f"{name}'s docstring cites no source"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_fully_annotated(name: str) -> None:
    sig = inspect.signature(getattr(verify, name))
    assert sig.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values())
