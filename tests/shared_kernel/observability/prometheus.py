"""Read one metric's sample without collecting the whole registry (some collectors query the DB)."""

from prometheus_client.metrics import MetricWrapperBase


def sample_value(metric: MetricWrapperBase, sample_name: str, **labels: str) -> float:
    for family in metric.collect():
        for sample in family.samples:
            if sample.name == sample_name and sample.labels == labels:
                return sample.value
    return 0.0
