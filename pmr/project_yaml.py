"""The project's YAML files, read as yaml.safe_load reads them, with libyaml's parser
when PyYAML was built with it: the model YAML of the project took 0.84 s to read in
Python, 0.1 s in libyaml, once in every `pmr run` and twice in `pmr check`."""

from pathlib import Path

import yaml

YAMLError = yaml.YAMLError
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    """The document of the YAML file at `path` (None for an empty file)."""
    return yaml.load(Path(path).read_text(), Loader=_SAFE_LOADER)
