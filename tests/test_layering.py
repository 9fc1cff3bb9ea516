"""The packages import one way: core <- model <- accelerator <- hw <- overlay <- host.

Every import of a module counts, those inside functions too (a lazy import
is still a dependency), so no two packages can import each other in a circle.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("core", "model", "accelerator", "hw", "overlay", "host")


def imported_packages(source, module):
    """The lutdnn subpackages a module's source imports (absolute and relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                names = [".".join(base + ([node.module] if node.module else []))]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "lutdnn" and len(parts) > 1:
                found.add(parts[1])
    return found


def modules(layer):
    for path in sorted((REPO / layer).rglob("*.py")):
        dotted = ".".join(("lutdnn",) + path.relative_to(REPO).with_suffix("").parts)
        yield path, dotted


@pytest.mark.parametrize("layer", LAYERS)
def test_a_package_imports_only_the_packages_below_it(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    wrong = []
    for path, dotted in modules(layer):
        above = imported_packages(path.read_text(), dotted) & set(LAYERS) - allowed
        wrong += [f"{path.relative_to(REPO)} imports lutdnn.{name}" for name in sorted(above)]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_lazy_and_relative_imports():
    source = "def f():\n    from lutdnn.host import cli\nfrom ...hw.rtl import ram\n"
    assert imported_packages(source, "lutdnn.model.data.mixing") == {"host", "hw"}
