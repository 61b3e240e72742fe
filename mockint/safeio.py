"""Reading and writing files a user (or someone who sent them a folder) may have made hostile.

Everything mockint reads whole (question bank and stories YAML, session manifests) goes through
`read_document`: only a regular file is read (a FIFO or /dev/zero would hang or fill memory), it
is opened non-blocking so the check itself cannot hang, and it is capped at MAX_DOCUMENT_BYTES.
`parse_yaml` / `parse_json` turn the parsers' odd failures (5000-digit integers, 5000-deep
nesting) into one `FileProblem`, and `bad_text` finds a lone surrogate ("\\ud800", valid in both
YAML and JSON) before it reaches a terminal or a page. Pages are written with `write_atomic`
(temporary file + rename), so a failure never leaves a good page truncated.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # the bundled bank is ~100 KB; a manifest of 200 takes ~2 MB
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class FileProblem(Exception):
    """Why a file cannot be used, as a short phrase for a one-line error ('is a FIFO, not a file')."""


def open_regular(path: Path, flags: int = os.O_RDONLY, *, follow: bool = True) -> int:
    """A descriptor of `path` if it is a regular file (never blocks on a FIFO or a device);
    FileProblem if it is something else, OSError if it cannot be opened.

    follow=False refuses a symbolic link (O_NOFOLLOW): for files inside a session folder, which
    mockint itself created and must never reach elsewhere through.
    """
    extra = os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags | extra)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise FileProblem("is a symbolic link, not a file") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise FileProblem(f"is {_kind(info.st_mode)}, not a regular file")
    os.set_blocking(fd, True)
    return fd


def regular_file(path: Path) -> bool:
    """True if `path` itself (not a link's target) is a regular file with a single name."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    # A second hard link could be the name of a file outside the recordings folder.
    return stat.S_ISREG(info.st_mode) and info.st_nlink == 1


def read_document(path: Path, *, limit: int = MAX_DOCUMENT_BYTES, follow: bool = True) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes; FileProblem otherwise."""
    try:
        with os.fdopen(open_regular(path, follow=follow), "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise FileProblem(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise FileProblem(f"is larger than {limit // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"is not UTF-8 text (byte {exc.start})") from None


def parse_yaml(text: str) -> Any:
    """yaml.safe_load, with huge integers and deep nesting as FileProblem (syntax errors pass)."""
    import yaml

    # The pure-Python SafeLoader, not libyaml's CSafeLoader: that one is faster, but refuses a lone
    # surrogate escape as a syntax error (no entry path) and words its messages differently.
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise
    except RecursionError:
        raise FileProblem("nests too deeply") from None
    except ValueError as exc:  # int() of a 5000-digit number (sys.get_int_max_str_digits)
        raise FileProblem(f"holds a value Python cannot read ({str(exc)[:80]})") from None


def parse_json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise FileProblem("nests too deeply") from None
    except ValueError as exc:  # bad JSON, or a 5000-digit integer
        raise FileProblem(f"is not valid JSON ({str(exc)[:120]})") from None


def bad_text(doc: Any, root: str = "") -> str | None:
    """The path (e.g. `stories[0].title`) of the first string or key that is not valid Unicode
    text (a lone surrogate), or None. Iterative: a deeply nested document cannot overflow it."""
    stack: list[tuple[str, Any]] = [(root, doc)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return at or "(top)"
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and not _encodable(key):
                    return f"{at}.{ascii(key)}" if at else ascii(key)
                stack.append((f"{at}.{key}" if at else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{at}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def make_private_dirs(path: Path) -> None:
    """mkdir -p, every folder it creates 0700 whatever the umask (recordings, pages, voice cache)."""
    path = Path(path)
    missing = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is masked by the umask


def write_atomic(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace `path` with `data` via a temporary file and rename: readers (and a failure half-way)
    see the old file or the new one, never a truncated one. A symlinked `path` is replaced, not
    written through."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def yaml_error_at(exc: Exception) -> str:
    """Where and what a YAML syntax error is, as ": line N: problem" after a file name."""
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}" if mark is not None else ""
    return f":{where}: {getattr(exc, 'problem', None) or 'invalid YAML'}"
