"""Build steps beyond pyproject.toml: what a wheel needs besides the package's own files.

- The translation catalogues are compiled whenever the package is built or installed. The .mo
  files are build products: they are never committed and never compiled by hand.
- The top-level migrations/ and questionnaires/ are copied into the built package as
  selfscan/bundled/, so an installed Selfscan can migrate its database and load its questionnaire
  (selfscan.infra.config.shipped finds them there; a checkout reads the top-level folders themselves).
"""

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
TRANSLATIONS = ROOT / "selfscan" / "translations"
BUNDLED = {
    "migrations": ("env.py", "script.py.mako", "versions/*.py"),
    "questionnaires": ("*.toml", "README.md"),
}


def compile_catalogues() -> None:
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalogue)


def bundle(target: Path) -> list[str]:
    """Copy the run-time folders into the built package; returns the files written."""
    written = []
    for folder, patterns in BUNDLED.items():
        sources = sorted(path for pattern in patterns for path in (ROOT / folder).glob(pattern))
        if not sources:  # a wheel without them would install and then fail at `db upgrade`
            raise RuntimeError(f"{ROOT / folder} is missing or empty: nothing to bundle")
        for source in sources:
            destination = target / folder / source.relative_to(ROOT / folder)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            written.append(str(destination))
    return written


class BuildPackage(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()
        if not self.editable_mode:  # an editable install reads the checkout's folders
            self._bundled = bundle(Path(self.build_lib) / "selfscan" / "bundled")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *getattr(self, "_bundled", [])]


setup(cmdclass={"build_py": BuildPackage})
