"""The bank loader on arbitrary input: a bank or a clean one-line error, never a crash."""

from __future__ import annotations

import copy
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.errors import MockintError

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=20)
)
trees = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=20,
)
REAL = yaml.safe_load((bundled_bank_dir() / "meta.yaml").read_text())
PATHS = [
    ("profile",),
    ("profile", "prep_s"),
    ("profile", "id"),
    ("principles",),
    ("principles", 0),
    ("principles", 0, "keywords"),
    ("questions",),
    ("questions", 0),
    ("questions", 0, "follow_ups"),
    ("questions", 0, "principles"),
    ("questions", 1, "id"),
    ("questions", 2, "target_s"),
]


def _load(folder, text: str):
    (folder / "meta.yaml").write_text(text, encoding="utf-8")
    try:
        return load_bank(folder)
    except MockintError as exc:
        assert "\n" not in exc.message and exc.message.startswith(("question_bank", "no ", "question bank"))
        return None


common = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@common
@given(text=st.text(max_size=400))
def test_arbitrary_text(tmp_path, text):
    folder = tmp_path / "question_bank"
    folder.mkdir(exist_ok=True)
    _load(folder, text)


@common
@given(tree=trees)
def test_arbitrary_yaml_documents(tmp_path, tree):
    folder = tmp_path / "question_bank"
    folder.mkdir(exist_ok=True)
    _load(folder, yaml.safe_dump(tree))


@pytest.mark.slow
@common
@given(path=st.sampled_from(PATHS), value=trees)
def test_real_file_with_one_node_replaced(tmp_path, path, value):
    doc = copy.deepcopy(REAL)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    folder = tmp_path / "question_bank"
    folder.mkdir(exist_ok=True)
    bank = _load(folder, yaml.safe_dump(doc))
    if bank is not None:  # whatever was accepted is well-typed
        assert all(isinstance(q.text, str) and q.text for q in bank.questions.values())
        assert all(isinstance(p.prep_s, float) and math.isfinite(p.prep_s) for p in bank.profiles.values())
        assert all(q.target_s is None or math.isfinite(q.target_s) for q in bank.questions.values())
