"""Where numba keeps the compiled kernels on disk, so a shape compiles once per install.

numba's cache (`cache=True`) stores each function's machine code per argument types
and per captured constants (the shape's `Layout`), and throws it away when the
function's own source file changes. It does not notice changes in the files that
file uses (`activations.py`): so the folder's name carries a hash of every source
the kernels are built from, and a changed engine gets a fresh folder (the old ones
are removed).

The folder, first match wins:
- `$BACKPROP_XOR_KERNEL_CACHE`, when set (an empty value turns the cache off);
- inside a virtual environment (the project's `.venv`, or a venv holding the
  installed wheel): `<venv>/var/cache/backprop-xor/`, the install's own;
- else the user's cache folder, `$XDG_CACHE_HOME/backprop-xor/` (`~/.cache/...`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path

import numba

#: The engine's files whose code is compiled into the kernels.
SOURCES = ("kernels.py", "compiled.py", "activations.py", "status.py")

PREFIX = "kernels-"


def source_hash() -> str:
    """A short hash of the kernels' sources and the numba version."""
    digest = hashlib.sha256(numba.__version__.encode())
    here = Path(__file__).parent
    for name in SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_root() -> Path | None:
    """The folder that holds the cache folders (None: no disk cache)."""
    explicit = os.environ.get("BACKPROP_XOR_KERNEL_CACHE")
    if explicit is not None:
        return Path(explicit) if explicit.strip() else None
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "var" / "cache" / "backprop-xor"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "backprop-xor"


def cache_dir() -> Path | None:
    """The folder of this engine's compiled kernels (None: no disk cache)."""
    root = cache_root()
    return None if root is None else root / f"{PREFIX}{source_hash()}"


@lru_cache(maxsize=1)
def configure() -> Path | None:
    """Point numba's cache at `cache_dir()` (once per process); drop stale folders.

    When the folder cannot be created (a read-only install), numba falls back to
    its own choice, and at worst compiles in every process as it did before.
    """
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    numba.config.CACHE_DIR = str(folder)
    for old in folder.parent.glob(f"{PREFIX}*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)  # another process may be at it too
    return folder
