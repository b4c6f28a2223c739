"""Lint and static checks: what OCA's pre-commit would refuse, run directly."""

import ast
import csv
import subprocess

import pytest
import yaml
from lxml import etree

ADDON = "vshn_sales_onboarding"


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def test_ruff_check(root, venv_bin):
    result = run([str(venv_bin / "ruff"), "check", "--no-fix", "."], root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format(root, venv_bin):
    result = run([str(venv_bin / "ruff"), "format", "--check", "."], root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pylint_odoo_mandatory_checks(root, venv_bin):
    result = run(
        [
            str(venv_bin / "pylint"),
            "--rcfile=.pylintrc-mandatory",
            "--output-format=text",
            ADDON,
        ],
        root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def addon_files(root, suffix):
    return sorted((root / ADDON).rglob(f"*{suffix}"))


def test_xml_files_are_well_formed(root):
    files = addon_files(root, ".xml")
    assert files
    for path in files:
        etree.parse(str(path))


def test_manifest_lists_existing_files(root):
    manifest = ast.literal_eval((root / ADDON / "__manifest__.py").read_text())
    assert manifest["version"].startswith("18.0.")
    for key in ("data", "demo"):
        for entry in manifest.get(key, []):
            if isinstance(entry, str):
                assert (root / ADDON / entry).exists(), entry
    for bundle in manifest.get("assets", {}).values():
        for entry in bundle:
            if isinstance(entry, str):
                path = entry.removeprefix(f"{ADDON}/")
                assert list((root / ADDON).glob(path)), entry


def test_access_csv_ids_are_unique(root):
    with open(root / ADDON / "security" / "ir.model.access.csv") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def compose(root):
    return yaml.safe_load((root / "docker" / "docker-compose.yml").read_text())


def test_docker_compose_parses_and_has_db_and_odoo(compose):
    assert {"db", "odoo"} <= set(compose["services"])
    assert compose["services"]["odoo"]["depends_on"]
    assert "odoo-data" in compose["volumes"]


def test_docker_paths_exist(root, compose):
    build = compose["services"]["odoo"]["build"]
    context = (root / "docker" / build["context"]).resolve()
    assert (context / build["dockerfile"]).exists()
    dockerfile = (context / build["dockerfile"]).read_text()
    assert "FROM odoo:18.0" in dockerfile
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            source = line.split()[-2]
            assert (context / source).exists(), source
