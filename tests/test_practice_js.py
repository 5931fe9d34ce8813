"""The practice view's pure JavaScript (its reducer, answer parser and serializer) under node's
built-in test runner."""

import shutil
import subprocess

import pytest

from tests.helpers import ROOT


def test_the_practice_slice_passes_its_node_tests():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    run = subprocess.run(
        [node, "--test", "tests/js/practice/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
