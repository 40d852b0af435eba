"""docs/python.md's example runs: its ```python blocks, in order, as one program."""
import os
import re

import pytest

from conftest import REPO, data_root


def python_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), flags=re.S | re.M)


def test_the_notebook_runs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch", reason="PyTorch not installed (apt-get install python3-torch)")
    if not (data_root() / "cora").is_dir():
        pytest.skip(f"Cora not found under {data_root()} (set GAT_DATA)")
    blocks = python_blocks(REPO / "docs" / "python.md")
    assert len(blocks) >= 6
    monkeypatch.setenv("GAT_DATA", str(data_root()))
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for k, block in enumerate(blocks):
        exec(compile(block, f"docs/python.md block {k + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "test accuracy" in out and "#" in out and "loss after 5 epochs" in out
