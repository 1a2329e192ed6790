"""Reading many files: order, errors, kept bytes and hashes."""

from __future__ import annotations

from pathlib import Path

from audit.cache import content_digest
from audit.discovery import SourceFile
from audit.file_reads import read_each


def _files(root: Path, count: int) -> list[SourceFile]:
    files = []
    for n in range(count):
        path = root / f"mod_{n:04}.py"
        path.write_bytes(f"VALUE = {n}\n".encode() * (n % 7 + 1))
        files.append(SourceFile(path, path.name, path.stat().st_size))
    return files


def _judge(data: bytes) -> tuple[int, bool]:
    lines = data.count(b"\n")
    return lines, lines == 3  # keep the bytes of three-line files only


def test_every_file_comes_back_in_order_with_its_verdict(tmp_path: Path) -> None:
    files = _files(tmp_path, 30)
    reads = list(read_each(files, _judge, lambda file, data: content_digest(data)))

    assert [read.file for read in reads] == files
    assert [read.verdict for read in reads] == [n % 7 + 1 for n in range(30)]
    for read in reads:
        data = read.file.path.read_bytes()
        assert read.data == (data if read.verdict == 3 else None)
        assert read.digest == content_digest(data)


def test_no_digest_unless_asked(tmp_path: Path) -> None:
    reads = list(read_each(_files(tmp_path, 3), _judge))
    assert [read.digest for read in reads] == ["", "", ""]


def test_a_file_gone_since_the_walk_is_an_error(tmp_path: Path) -> None:
    files = _files(tmp_path, 20)
    files[10].path.unlink()
    reads = list(read_each(files, _judge))

    assert reads[10].verdict is None and reads[10].error.startswith("cannot read")
    assert [read.file for read in reads] == files
