#!/usr/bin/env python3
"""Re-verifies a ReviewTrail audit export (CSV or JSON Lines) from the canonical encoding of
docs/AUDIT.md alone, with the Python standard library only.

usage: verify_export.py EXPORT.csv|EXPORT.jsonl [CHAIN_HEAD_HASH] [--summaries]
Exit 0 and "OK <n> entries" when every row's hash and every link verify (and, when given, the last
row's hash is the chain head); exit 1 naming the first bad row otherwise. --summaries also prints
the rows' summaries as a JSON array (to check that CSV/JSON escaping round-trips).
"""
import csv
import hashlib
import json
import sys

FIELDS = ["tenant_id", "sequence", "log_partition", "log_offset", "event_id", "occurred_at",
          "recorded_at", "actor_id", "actor_roles", "aggregate_type", "aggregate_id",
          "aggregate_version", "event_type", "review_id", "action_id", "summary",
          "evidence_sha256", "event_sha256"]
GENESIS = "0" * 64


def field(value):
    data = value.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b"\n"


def text(value):
    return ",".join(value) if isinstance(value, list) else str(value)


def rows(path):
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                # Undo the spreadsheet neutralisation: one leading "'" was added.
                yield {k: v[1:] if v.startswith("'") else v for k, v in row.items()}
    else:
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield {k: text(v) for k, v in json.loads(line).items()}


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    path, head = args[0], (args[1] if len(args) > 1 else None)
    prev_seq, prev_hash, count, summaries = None, None, 0, []
    for row in rows(path):
        canonical = field("reviewtrail-audit-v1") + b"".join(field(row[k]) for k in FIELDS)
        digest = hashlib.sha256(row["prev_hash"].encode("ascii") + canonical).hexdigest()
        seq = int(row["sequence"])
        if digest != row["hash"]:
            print(f"BROKEN entry {seq}: hash {digest} != {row['hash']}")
            return 1
        if seq == 1 and row["prev_hash"] != GENESIS:
            print("BROKEN entry 1: prev_hash is not the genesis hash")
            return 1
        if prev_seq is not None and seq == prev_seq + 1 and row["prev_hash"] != prev_hash:
            print(f"BROKEN entry {seq}: prev_hash does not match entry {prev_seq}")
            return 1
        prev_seq, prev_hash = seq, row["hash"]
        summaries.append(row["summary"])
        count += 1
    if head is not None and prev_hash != head:
        print(f"BROKEN: the last entry's hash {prev_hash} is not the chain head {head}")
        return 1
    print(f"OK {count} entries")
    if "--summaries" in argv:
        print(json.dumps(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
