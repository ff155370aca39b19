#!/usr/bin/env python3
"""Regenerate communes.tsv from the npm package @etalab/decoupage-administratif.

Usage:
    python3 make_communes.py [--out communes.tsv] [--version 6.0.0]
                             [--no-com] [--no-arrondissements]
                             [--tarball path/to/etalab-decoupage-administratif-X.tgz]

Without --tarball the script runs `npm pack @etalab/decoupage-administratif@VERSION`
in a temporary directory (needs only access to the npm registry), checks the
tarball's sha1 against the registry's dist.shasum (via `npm view`), and reads
package/data/communes.json out of it.

Output: UTF-8, LF line endings, header `insee<TAB>name<TAB>postcodes`,
rows sorted by INSEE code (plain byte order: ...29xxx, 2A..., 2B..., 30xxx...),
postcodes comma-separated, de-duplicated and sorted.

Rows kept (default):
  * type == "commune-actuelle" that has at least one postcode
    (metropole + DROM + COM 975/977/978/986/987/988 + 989 Clipperton;
    only the 5 TAAF districts 98411-98415, which have no postcode, drop out);
  * type == "arrondissement-municipal" (Paris 75101-75120, Lyon 69381-69389,
    Marseille 13201-13216).
  --no-com              keep only zone metro + drom (the INSEE COG "communes" list proper)
  --no-arrondissements  drop the 45 municipal arrondissements
Communes déléguées / associées are never kept.
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

PKG = "@etalab/decoupage-administratif"


def fetch_tarball(version, workdir):
    out = subprocess.run(
        ["npm", "pack", f"{PKG}@{version}", "--pack-destination", workdir, "--json"],
        check=True, capture_output=True, text=True,
    )
    info = json.loads(out.stdout)[0]
    path = os.path.join(workdir, info["filename"])
    want = subprocess.run(
        ["npm", "view", f"{PKG}@{version}", "dist.shasum"],
        check=True, capture_output=True, text=True,
    ).stdout.strip().strip("'")
    with open(path, "rb") as f:
        got = hashlib.sha1(f.read()).hexdigest()
    if want and got != want:
        sys.exit(f"sha1 mismatch for {path}: registry {want}, got {got}")
    return path


def load_communes(tarball):
    with tarfile.open(tarball, "r:gz") as tf:
        pkg = json.load(tf.extractfile("package/package.json"))
        data = json.load(io.TextIOWrapper(tf.extractfile("package/data/communes.json"), "utf-8"))
    return pkg, data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="communes.tsv")
    ap.add_argument("--version", default="6.0.0")
    ap.add_argument("--tarball")
    ap.add_argument("--no-com", action="store_true")
    ap.add_argument("--no-arrondissements", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(args.version, tmp)
        pkg, communes = load_communes(tarball)

    rows = {}
    for c in communes:
        t = c.get("type")
        if t == "commune-actuelle":
            if args.no_com and c.get("zone") not in ("metro", "drom"):
                continue
        elif t == "arrondissement-municipal":
            if args.no_arrondissements:
                continue
        else:
            continue
        cps = sorted(set(c.get("codesPostaux") or []))
        if not cps:
            continue  # only the 5 TAAF districts
        code, name = c["code"], unicodedata.normalize("NFC", c["nom"])
        assert len(code) == 5 and code not in rows, code
        assert "\t" not in name and "\n" not in name and name == name.strip(), name
        assert all(len(p) == 5 and p.isdigit() for p in cps), (code, cps)
        rows[code] = (name, cps)

    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("insee\tname\tpostcodes\n")
        for code in sorted(rows):
            name, cps = rows[code]
            f.write(f"{code}\t{name}\t{','.join(cps)}\n")
    print(f"{pkg['name']}@{pkg['version']}: wrote {len(rows)} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
