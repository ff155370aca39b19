#!/usr/bin/env bash
# How crates/escale-core/src/store/op-body-1.dict was made (2026-12-01).
# It is frozen — stored op bodies are compressed with it — so this script
# documents it rather than being run again: a better dictionary would be
# dictionary 2 (a new format byte in store/codec.rs), the old one kept.
#
# Samples: 5,000 bodies of each high-volume kind (set.visitor,
# set.registration, consent, check_in) from `escale demo --visitors 100000`,
# plus every body of a small store written through the CLI (walk-ins,
# session check-in and check-out, an undo). Synthetic people only.
#
# Usage: make_op_dict.sh DEMO_DB VARIED_DB OUT.dict   (needs sqlite3, zstd)
set -euo pipefail
DEMO=$1 VARIED=$2 OUT=$3
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
n=0
for k in set.visitor set.registration consent check_in; do
  sqlite3 "$DEMO" "SELECT body FROM op WHERE kind = '$k' AND body IS NOT NULL ORDER BY random() LIMIT 5000" |
    while IFS= read -r line; do n=$((n + 1)); printf '%s' "$line" > "$TMP/$k.$n"; done
done
sqlite3 "$VARIED" "SELECT body FROM op WHERE body IS NOT NULL" |
  while IFS= read -r line; do n=$((n + 1)); printf '%s' "$line" > "$TMP/varied.$n"; done
zstd --train -q "$TMP"/* -o "$OUT" --maxdict=32768
