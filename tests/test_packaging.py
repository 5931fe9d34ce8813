"""The wheel: built from the checkout, installed in a fresh virtual environment in another
folder, its ``backprop-lab`` command serves the whole app."""

import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile

import pytest

from tests.helpers import ROOT, serving

# Building and installing take a while on a cold cache; pip's cache makes the second time quick.
INSTALL_SECONDS = 900


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def checkout_copy(destination):
    """Copy what a fresh clone holds for the build (setuptools leaves build/ where it builds)."""
    destination.mkdir()
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, destination / name)
    for name in ["app", "static", "templates"]:
        shutil.copytree(ROOT / name, destination / name, ignore=shutil.ignore_patterns("__py*"))
    return destination


@pytest.mark.slow
def test_the_installed_wheel_serves_page_assets_docs_and_api(tmp_path):
    source = checkout_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, source],
        check=True,
        timeout=INSTALL_SECONDS,
    )
    (wheel,) = dist.glob("backprop_lab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "app/templates/index.html" in names and "app/static/css/page.css" in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel],
        check=True,
        timeout=INSTALL_SECONDS,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with serving(command=[str(venv / "bin" / "backprop-lab")], cwd=elsewhere) as app:
        status, page = fetch(app.origin + "/")
        assert status == 200
        html = page.decode()
        modules = re.findall(r'"(/static/js/[^"?]+\.js)\?v=', html)
        plotly = re.search(r'content="(/vendor/plotly-[^"]+\.min\.js)"', html)  # run on need
        assert modules and plotly
        for path in [modules[0], modules[-1], plotly.group(1), "/docs", "/openapi.json"]:
            assert fetch(app.origin + path)[0] == 200, path
        request = urllib.request.Request(app.origin + "/api/step", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert b'"w5":0.35891647971788465' in response.read()
