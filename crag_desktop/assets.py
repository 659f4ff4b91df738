"""The runtime assets: fonts, icons, the style sheet, the JSON Schema and the demo data.

They live in the top-level resources/ folder, which the build maps into the package as
`crag_desktop.resources` (pyproject.toml, `package-dir`). Every read goes through here, by
`importlib.resources`, so the app finds them the same way from a source checkout (editable
install), an installed wheel or a frozen bundle. Plain Python: any layer may read an asset.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "crag_desktop.resources"

#: The JSON Schema of interchange format version 1.
INTERCHANGE_SCHEMA = ("schema", "interchange-v1.schema.json")
#: The built-in demo data (an interchange document).
DEMO_DATA = ("demo", "demo-2016.json")
#: The Qt style sheet; "@ICONS@" in it stands for the icons folder.
STYLE_SHEET = ("style.qss",)
ICONS = ("icons",)
FONTS = ("fonts",)


def asset(*parts: str) -> Traversable:
    """The asset at `parts` below resources/ ("fonts", "DejaVuSans.ttf")."""
    return files(PACKAGE).joinpath(*parts)


def read_text(*parts: str) -> str:
    """A text asset (UTF-8)."""
    return asset(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    """A binary asset (a font)."""
    return asset(*parts).read_bytes()


def asset_path(*parts: str) -> Path:
    """The asset as a file-system path, for Qt, which opens icons and style-sheet images by
    name. Installed packages and source checkouts keep assets as plain files."""
    resource = asset(*parts)
    if not isinstance(resource, Path):
        # Only a zip import would land here; nothing this app ships is one.
        raise FileNotFoundError(f"{'/'.join(parts)} is not a file on disk ({resource!r})")
    return resource
