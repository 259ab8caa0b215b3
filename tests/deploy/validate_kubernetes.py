"""deploy/kubernetes/ against the real Kubernetes API schemas and KEDA's documented fields.

Run by scripts/validate-kubernetes.sh (which installs the pinned kubernetes-validate):
    python3 tests/deploy/validate_kubernetes.py deploy/kubernetes/*.yaml
Every built-in object is validated strictly (unknown fields are errors) against the
oldest and the newest Kubernetes version herald supports. KEDA's ScaledObject is a
custom resource with no schema in those sets: it is checked against the fields KEDA's
documentation (keda.sh/docs/2.x: "ScaledObject specification", "Apache Kafka" scaler)
declares, required and allowed. Exits 1 naming each problem.
"""
import sys

import jsonschema
import kubernetes_validate
import yaml

KUBERNETES_VERSIONS = ["1.29.0", "1.37.0"]

# The Kafka scaler's parameters (all strings in the trigger's metadata).
KAFKA_TRIGGER_PARAMETERS = [
    "bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
    "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset",
    "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "partitionLimitation",
    "version", "sasl", "tls", "unsafeSsl", "commitPartitionOffsetsOnScaleToZero",
]
NUMBER = {"type": "string", "pattern": "^[0-9]+$"}
BOOLEAN = {"enum": ["true", "false"]}

SCALED_OBJECT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                   "name": {"type": "string", "minLength": 1},
                                   "envSourceContainerName": {"type": "string"}},
                },
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "initialCooldownPeriod": {"type": "integer", "minimum": 0},
                "idleReplicaCount": {"type": "integer", "minimum": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "fallback": {"type": "object", "required": ["failureThreshold", "replicas"]},
                "advanced": {"type": "object"},
                "triggers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/trigger"}},
            },
        },
    },
    "$defs": {
        "trigger": {
            "type": "object",
            "required": ["type", "metadata"],
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string"},
                "name": {"type": "string"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "authenticationRef": {"type": "object", "required": ["name"]},
                "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                "useCachedMetrics": {"type": "boolean"},
            },
            "if": {"properties": {"type": {"const": "kafka"}}},
            "then": {"properties": {"metadata": {
                "required": ["bootstrapServers", "consumerGroup"],
                "propertyNames": {"enum": KAFKA_TRIGGER_PARAMETERS},
                "properties": {
                    "lagThreshold": NUMBER, "activationLagThreshold": NUMBER,
                    "offsetResetPolicy": {"enum": ["latest", "earliest"]},
                    "allowIdleConsumers": BOOLEAN, "excludePersistentLag": BOOLEAN,
                    "scaleToZeroOnInvalidOffset": BOOLEAN, "limitToPartitionsWithLag": BOOLEAN,
                },
            }}},
        }
    },
}


def problems_of_scaled_object(doc):
    validator = jsonschema.Draft202012Validator(SCALED_OBJECT)
    found = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(doc)]
    spec = doc.get("spec", {})
    if spec.get("minReplicaCount", 0) > spec.get("maxReplicaCount", 100):
        found.append("spec: minReplicaCount is above maxReplicaCount")
    return found


def problems_of(doc):
    if doc.get("apiVersion", "").startswith("keda.sh/"):
        return problems_of_scaled_object(doc)
    found = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            found.append(f"Kubernetes {version}: {'.'.join(map(str, e.path))}: {e.message}")
        except kubernetes_validate.SchemaNotFoundError:
            found.append(f"Kubernetes {version} has no {doc.get('apiVersion')} {doc.get('kind')}")
    return found


def main(paths):
    failures = checked = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc:
                    continue
                checked += 1
                name = f"{path}: {doc.get('kind')} {doc.get('metadata', {}).get('name')}"
                for problem in problems_of(doc):
                    print(f"{name}: {problem}", file=sys.stderr)
                    failures += 1
    print(f"validate_kubernetes: {checked} objects, {failures} problems "
          f"(Kubernetes {', '.join(KUBERNETES_VERSIONS)}; kubernetes-validate {kubernetes_validate.__version__})")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
