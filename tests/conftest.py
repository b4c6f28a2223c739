"""Shared settings of the out-of-process tests (run by setup/test.sh)."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def venv_bin():
    return pathlib.Path(os.environ.get("VSHN_VENV", ROOT / ".venv")) / "bin"


@pytest.fixture(scope="session")
def server_url():
    url = os.environ.get("VSHN_TEST_URL")
    if not url:
        pytest.fail("VSHN_TEST_URL is not set: run these tests through setup/test.sh")
    return url


@pytest.fixture(scope="session")
def server_db():
    return os.environ.get("VSHN_TEST_DB", "vshn_test_demo")
