"""Keep the message catalogues in step with the code.

``python -m citizen_portal.i18n_catalogues update`` extracts the template,
merges it into every language and fills English from the source strings
(English is the source language). ``compile`` builds the .mo files the app
reads. Danish is translated by hand in translations/da/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
SOURCE_LANGUAGE = "en"


def _pybabel(*args: str) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *args], cwd=ROOT, check=True, capture_output=True)  # noqa: S603


def extract(output: Path = TEMPLATE) -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(output),
        ".",
    )


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def update() -> None:
    extract()
    template = _read(TEMPLATE)
    for language in languages():
        path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        catalog = _read(path)
        # Keep the header stable so an unchanged catalogue gives an unchanged file.
        created, revised = catalog.creation_date, catalog.revision_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date, catalog.revision_date = created, revised
        catalog.project, catalog.version = "citizen-portal", "1"
        catalog.language_team = catalog.last_translator = "citizen-portal developers"
        catalog.fuzzy = False
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
                elif isinstance(message.id, tuple) and not all(message.string or ()):
                    message.string = message.id  # singular and plural, as written
        with path.open("wb") as f:
            write_po(f, catalog, sort_output=True, no_location=True, ignore_obsolete=True)


def compile_all() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        sys.exit("usage: python -m citizen_portal.i18n_catalogues update|compile")
