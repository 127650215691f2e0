"""Maps the top-level source folders into the single namespace ``tpuc``.

``compiler/`` becomes ``tpuc.compiler``, ``dialects/`` becomes ``tpuc.dialects`` and so on
(design.md, "Repository layout"); subpackages are discovered so new folders need no edit here.
"""

from pathlib import Path

from setuptools import setup

ROOTS = ("compiler", "dialects", "lowering", "backends", "tools")
here = Path(__file__).parent
packages, package_dir = ["tpuc"], {"tpuc": "tpuc_ns"}
for root in ROOTS:
    for init in sorted((here / root).rglob("__init__.py")):
        rel = init.parent.relative_to(here)
        name = "tpuc." + ".".join(rel.parts)
        packages.append(name)
        package_dir[name] = str(rel)

setup(packages=packages, package_dir=package_dir)
