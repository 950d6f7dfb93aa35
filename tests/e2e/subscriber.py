#!/usr/bin/python3
"""An outside subscriber of the event topic, knowing only the published .proto files.

    /usr/bin/python3 subscriber.py PROTO_DIR OUT_DIR BOOTSTRAP TOPIC PARTITIONS EXPECTED

Generates the Python classes with `protoc --python_out` from PROTO_DIR into OUT_DIR, reads the
topic from the beginning with kafka-python until EXPECTED records arrived, decodes every value as
a reviewtrail.v1.EventEnvelope and checks the CloudEvents binary-mode headers against it. Prints
one line per record ("EVENT partition:offset ce_type payload"), then "OK <count> <payload,...>" and
exits 0, or prints "FAIL <reason>" and exits 1. Debian's python3-kafka and python3-protobuf: run
with /usr/bin/python3 (a pyenv python does not see them).
"""
import glob
import os
import subprocess
import sys
import time


def main():
    proto_dir, out_dir, bootstrap, topic, partitions, expected = sys.argv[1:7]
    partitions, expected = int(partitions), int(expected)
    os.makedirs(out_dir, exist_ok=True)
    sources = sorted(glob.glob(os.path.join(proto_dir, "reviewtrail", "v1", "*.proto")) +
                     glob.glob(os.path.join(proto_dir, "google", "type", "*.proto")) +
                     glob.glob(os.path.join(proto_dir, "google", "rpc", "*.proto")))
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir] + sources, check=True)
    for package in ["reviewtrail", "reviewtrail/v1", "google/type", "google/rpc"]:
        open(os.path.join(out_dir, package, "__init__.py"), "a").close()
    # The protobuf runtime owns the `google` package; the generated google.type and google.rpc
    # modules join it.
    import google.protobuf  # noqa: F401
    sys.modules["google"].__path__.append(os.path.join(out_dir, "google"))
    sys.path.insert(0, out_dir)
    from reviewtrail.v1 import events_pb2
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             group_id=None, consumer_timeout_ms=1000)
    assigned = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    records = []
    deadline = time.time() + 60
    while len(records) < expected and time.time() < deadline:
        for record in consumer:
            records.append(record)
    consumer.close()
    if len(records) != expected:
        print(f"FAIL read {len(records)} records, expected {expected}")
        return 1
    payloads = set()
    for record in records:
        envelope = events_pb2.EventEnvelope()
        envelope.ParseFromString(record.value)
        headers = {name: value.decode() for name, value in record.headers}
        payload = envelope.WhichOneof("payload")
        checks = {
            "ce_specversion": "1.0",
            "ce_id": envelope.event_id,
            "content-type": "application/protobuf",
        }
        for name, value in checks.items():
            if headers.get(name) != value:
                print(f"FAIL {record.partition}:{record.offset} header {name}={headers.get(name)!r},"
                      f" expected {value!r}")
                return 1
        for name in ("ce_type", "ce_source", "ce_time"):
            if not headers.get(name):
                print(f"FAIL {record.partition}:{record.offset} has no {name}")
                return 1
        if record.key.decode() != envelope.tenant_id or payload is None:
            print(f"FAIL {record.partition}:{record.offset} key {record.key!r} payload {payload}")
            return 1
        payloads.add(payload)
        print(f"EVENT {record.partition}:{record.offset} {headers['ce_type']} {payload}")
    print(f"OK {len(records)} {','.join(sorted(payloads))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
