import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def load_answers(folder: str) -> dict:
    return json.loads((DATA / folder / "answers.json").read_text(encoding="utf-8"))
