"""Shared fixtures: one TestClient over the real app, and the worked example's figures."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import app


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def printed_as(value: float, published: str) -> str:
    """Return value rounded to as many decimals as ``published`` shows, to compare the two."""
    decimals = len(published.partition(".")[2])
    return f"{value:.{decimals}f}"
