"""Hand-made dbt manifests of metric models, a node each, for the tests of the metric
contract (pmr.metric_declarations, pmr.metrics)."""

import json

GOOD = dict(metric_id="example.count", requirement="R1", kind="indicator", unit="count")


def manifest(tmp_path, *nodes):
    """A manifest.json in tmp_path holding these model nodes."""
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": {f"model.pmr.{n['name']}": n for n in nodes}}))
    return path


def node(name, definitions=None, path=None):
    """A model node declaring these pmr_metrics (none: no meta), under models/metrics/ unless path says."""
    meta = {"pmr_metrics": definitions} if definitions is not None else {}
    return dict(resource_type="model", name=name, schema="metrics", alias=name, config={"meta": meta},
                original_file_path=path or f"models/metrics/{name}.sql")
