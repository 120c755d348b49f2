#!/usr/bin/env bash
# build-engine-data.sh: regenerates the engine's generated data files in data/engine/
# from pinned upstream packages.  Hand-written files (themes.tsv, activity.txt,
# currencies.tsv) are not touched.  Run from anywhere; needs network access to the
# npm registry and the Debian archive, plus npm, apt-get, dpkg-deb and /usr/bin/python3.
#
# Sources (exact versions; licences in data/engine/LICENSES.md):
#   npm    vader-sentiment 1.1.3   -> vader.tsv, vader-rules.tsv   (Apache-2.0; lexicon from VADER, MIT)
#   npm    stopwords-iso   1.1.0   -> stopwords.tsv                 (MIT)
#   Debian libexttextcat-data 3.4.5-1 -> textcat/*.lm, textcat/fpdb.conf (BSD-3-Clause)
#   Debian iso-codes 4.15.0-1      -> iso4217.txt                   (LGPL-2.1+)
set -euo pipefail

VADER_VERSION=1.1.3
STOPWORDS_VERSION=1.1.0
TEXTCAT_DEB_VERSION=3.4.5-1
TEXTCAT_DEB_SHA256=5298fb1661f0e145124a5129621fb290635309aecc87d8f524cf16a3dc66dcfe
ISOCODES_DEB_VERSION=4.15.0-1
ISOCODES_DEB_SHA256=b1beb869303229c38288d4ddacfd582c91f594759b5767c9cecebd87f16ff70e

HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/engine"
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK" # apt-get download runs as _apt
mkdir -p "$OUT/textcat"

# Languages whose stopwords the engine loads (language detection, keywords, summary).
STOP_LANGS="en fr de es it pt nl sv da no fi ru tr pl ro hu id ca cs el ar hi lt eu ga hy uk bg hr sk sl vi"
# Languages whose textcat models the engine loads (fallback language identification).
TEXTCAT_LANGS="en fr de es it pt nl sv da nb nn fi ru tr pl ro hu id ca cs el ar hi lt eu ga hy uk bg hr
  sk sl vi zh-Hans zh-Hant ja ko he fa ur bn ta th ms sw tl sq sr-Latn sr-Cyrl mk be et lv is cy af
  gl ka az kk uz mn am so yo zu"
# Content words that stopwords-iso lists for English but news uses as real terms.
EN_NOT_STOP="computer microsoft netscape research problem problems information invention members homepage webpage website interest interests caption"

fetch_npm() { # name version -> extracted under $WORK/name
    (cd "$WORK" && npm pack --silent "$1@$2" >/dev/null)
    mkdir -p "$WORK/$1"
    tar xzf "$WORK/$1-$2.tgz" -C "$WORK/$1"
}

fetch_deb() { # package version sha256 -> extracted under $WORK/package
    (cd "$WORK" && apt-get download -qq "$1=$2")
    local deb
    deb=$(ls "$WORK"/"$1"_*.deb)
    echo "$3  $deb" | sha256sum -c --quiet -
    dpkg-deb -x "$deb" "$WORK/$1"
}

fetch_npm vader-sentiment "$VADER_VERSION"
fetch_npm stopwords-iso "$STOPWORDS_VERSION"
fetch_deb libexttextcat-data "$TEXTCAT_DEB_VERSION" "$TEXTCAT_DEB_SHA256"
fetch_deb iso-codes "$ISOCODES_DEB_VERSION" "$ISOCODES_DEB_SHA256"

# vader.tsv: word<TAB>mean valence, sorted; the per-rater columns are dropped.
"$PY" - "$WORK/vader-sentiment/package/vader_lexicon.txt" "$OUT/vader.tsv" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if len(f) >= 2 and f[0] and not any(c.isspace() for c in f[0]):
        rows[f[0]] = float(f[1])
with open(sys.argv[2], "w", encoding="utf-8") as o:
    o.write("# VADER lexicon (vader-sentiment 1.1.3): word<TAB>valence in [-4, 4]\n")
    for w in sorted(rows):
        o.write(f"{w}\t{rows[w]:g}\n")
EOF

# vader-rules.tsv: negations, boosters/dampeners and idioms, read from the package's
# constant tables (data only; none of its code is used).
"$PY" - "$WORK/vader-sentiment/package/src/vaderSentiment.js" "$OUT/vader-rules.tsv" <<'EOF'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
def block(name, open_, close):
    start = src.index(f"export const {name} = {open_}") + len(f"export const {name} = {open_}")
    return src[start:src.index(close, start)]
consts = {m.group(1): float(m.group(2)) for m in re.finditer(r"export const (\w+) = (-?[0-9.]+);", src)}
out = ["# VADER rules (vader-sentiment 1.1.3): kind<TAB>words<TAB>value"]
for sq, dq in re.findall(r"'([^'\n]*)'|\"([^\"\n]*)\"", block("NEGATE", "[", "];")):
    out.append(f"negate\t{sq or dq}\t{consts['N_SCALAR']:g}")
for key, val in re.findall(r"^\s*'?([\w' -]+?)'?\s*:\s*(B_INCR|B_DECR)", block("BOOSTER_DICT", "{", "};"), re.M):
    out.append(f"booster\t{key}\t{consts[val]:g}")
for key, val in re.findall(r"'([^']+)'\s*:\s*(-?[0-9.]+)", block("SPECIAL_CASE_IDIOMS", "{", "};")):
    out.append(f"idiom\t{key}\t{float(val):g}")
out.append(f"constant\tallcaps\t{consts['C_INCR']:g}")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
EOF

# stopwords.tsv: lang<TAB>word for STOP_LANGS, sorted.
"$PY" - "$WORK/stopwords-iso/package/stopwords-iso.json" "$OUT/stopwords.tsv" "$STOP_LANGS" "$EN_NOT_STOP" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
langs = sys.argv[3].split()
not_stop = set(sys.argv[4].split())
with open(sys.argv[2], "w", encoding="utf-8") as o:
    o.write("# stopwords-iso 1.1.0: lang<TAB>word (English without: " + " ".join(sorted(not_stop)) + ")\n")
    for lang in langs:
        words = sorted({w.strip().lower() for w in data[lang] if w.strip() and "\t" not in w})
        for w in words:
            if lang == "en" and w in not_stop:
                continue
            o.write(f"{lang}\t{w}\n")
EOF

# textcat: the chosen models and a fpdb.conf naming them ("en.lm en").
TC="$WORK/libexttextcat-data/usr/share/libexttextcat"
rm -f "$OUT"/textcat/*.lm
{
    echo "# libexttextcat-data $TEXTCAT_DEB_VERSION models: file<TAB>language"
    for l in $TEXTCAT_LANGS; do
        cp "$TC/$l.lm" "$OUT/textcat/$l.lm"
        printf '%s.lm\t%s\n' "$l" "${l%%-*}"
    done
} >"$OUT/textcat/fpdb.conf"

# iso4217.txt: active ISO 4217 alphabetic codes.
"$PY" - "$WORK/iso-codes/usr/share/iso-codes/json/iso_4217.json" "$OUT/iso4217.txt" <<'EOF'
import json, sys
codes = sorted(c["alpha_3"] for c in json.load(open(sys.argv[1], encoding="utf-8"))["4217"])
open(sys.argv[2], "w").write("# ISO 4217 codes (iso-codes 4.15.0)\n" + "\n".join(codes) + "\n")
EOF

cp "$WORK/vader-sentiment/package/LICENSE" "$OUT/LICENSE.vader-sentiment"
cp "$WORK/vader-sentiment/package/NOTICE" "$OUT/NOTICE.vader-sentiment"
cp "$WORK/libexttextcat-data/usr/share/doc/libexttextcat-data/copyright" "$OUT/textcat/COPYRIGHT"
echo "build-engine-data: wrote $(ls "$OUT" | wc -l) entries in $OUT"
