#!/usr/bin/env python3
"""Re-verifies a ReviewTrail audit export (CSV or JSON Lines) against its trailer, from the
canonical encoding of docs/AUDIT.md alone, with the Python standard library only.

usage: verify_export.py EXPORT.csv|EXPORT.jsonl TRAILER.json [--summaries]
TRAILER.json is the export's trailer as JSON with its proto field names (the CLI keeps it as
<export>.chain-head.json). Exit 0 and "OK <n> entries" when every row verifies and the rows are
exactly those the trailer describes; exit 1 and "BROKEN ..." naming the first problem otherwise.
--summaries also prints the rows' summaries as a JSON array.
"""
import csv
import hashlib
import json
import sys

V1 = ["tenant_id", "sequence", "log_partition", "log_offset", "event_id", "occurred_at",
      "recorded_at", "actor_id", "actor_roles", "aggregate_type", "aggregate_id",
      "aggregate_version", "event_type", "review_id", "action_id", "summary",
      "evidence_sha256", "event_sha256"]
LINKS = ["review_prev_sequence", "review_prev_hash", "action_prev_sequence", "action_prev_hash"]
FIELDS = {"reviewtrail-audit-v1": V1, "reviewtrail-audit-v2": V1 + LINKS}
GENESIS = "0" * 64


class Broken(Exception):
    pass


def check(ok, message):
    if not ok:
        raise Broken(message)


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


def verify(path, trailer):
    t = trailer.get
    chain, chain_id = t("chain", "tenant"), t("chain_id", "")
    start_hash = GENESIS if chain == "tenant" else ""
    exported = list(rows(path))
    # 1. Every row verifies alone.
    for row in exported:
        encoding = row.get("canonical_encoding")
        check(encoding in FIELDS,
              f"BROKEN entry {row.get('sequence')}: unknown encoding {encoding}")
        canonical = field(encoding) + b"".join(field(row[k]) for k in FIELDS[encoding])
        digest = hashlib.sha256(row["prev_hash"].encode("ascii") + canonical).hexdigest()
        check(digest == row["hash"],
              f"BROKEN entry {row['sequence']}: hash {digest} != {row['hash']}")
        check(chain == "tenant" or row[chain + "_id"] == chain_id,
              f"BROKEN entry {row['sequence']}: not of {chain} {chain_id}")
    # 2. As many rows as the trailer counts.
    check(len(exported) == int(t("entries_exported", 0)),
          f"BROKEN: {len(exported)} rows but the trailer counts {t('entries_exported', 0)}")
    if not t("provably_complete", False):
        return exported, "; not provably complete: " + t("completeness", "")
    # 3. Each row links to the row before it in the chain; the first to the trailer's first_prev.
    prev = (int(t("first_prev_sequence", 0)), t("first_prev_hash", ""))
    for row in exported:
        seq = int(row["sequence"])
        check(row["canonical_encoding"] != "reviewtrail-audit-v1" or chain == "tenant",
              f"BROKEN entry {seq}: a v1 row in a trail the trailer says is provably complete")
        link = ((seq - 1, row["prev_hash"]) if chain == "tenant" else
                (int(row[chain + "_prev_sequence"]), row[chain + "_prev_hash"]))
        check(link == prev, f"BROKEN entry {seq}: links to entry {link[0]} but follows {prev[0]}")
        check(link[0] != 0 or link[1] == start_hash, f"BROKEN entry {seq}: a first entry's link")
        prev = (seq, row["hash"])
    # 4. The last row is the trailer's last; the first and last are the chain's unless the export
    # asked for a time range.
    first_prev = (int(t("first_prev_sequence", 0)), t("first_prev_hash", ""))
    last = (int(t("last_sequence", 0)), t("last_hash", ""))
    chain_last = (int(t("chain_last_sequence", 0)), t("chain_last_hash", ""))
    check(not exported or prev == last, f"BROKEN: the last row is {prev[0]}, not {last[0]}")
    if "recorded_from" not in trailer:
        check(not exported or first_prev == (0, start_hash),
              f"BROKEN: the rows start after entry {first_prev[0]}, not at the first entry")
    if "recorded_until" not in trailer:
        check((prev if exported else (0, "")) == chain_last,
              f"BROKEN: the rows end at entry {prev[0] if exported else 0}, "
              f"not at the {chain}'s last entry {chain_last[0]}")
        check(chain != "tenant" or chain_last[0] == 0 or
              chain_last == (int(t("head_sequence", 0)), t("head_hash", "")),
              "BROKEN: the chain's last entry is not the chain head")
    return exported, ""


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    with open(args[1], encoding="utf-8") as f:
        trailer = json.load(f)
    try:
        exported, note = verify(args[0], trailer)
    except Broken as broken:
        print(broken)
        return 1
    print(f"OK {len(exported)} entries{note}")
    if "--summaries" in argv:
        print(json.dumps([row["summary"] for row in exported]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
