"""tools/build_icd10cm_index.py loaded as a module (tools/ is not a package): for the tests of the index."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def load_build_tool():
    spec = importlib.util.spec_from_file_location("build_icd10cm_index", ROOT / "tools" / "build_icd10cm_index.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module
