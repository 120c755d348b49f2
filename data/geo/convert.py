#!/usr/bin/env python3
"""convert.py: turns the pinned upstream geo packages into data/geo/*.tsv.

Called by build-geo-data.sh (which pins the versions).  Output is deterministic
(sorted) so a regenerate diff shows only upstream changes.
usage: convert.py CITIES.pbf COUNTRIES.json ISO_JSON_DIR MIN_POP OUTDIR
"""
import json, os, sys

# Short forms news uses that the upstream lists lack or drop (two-letter codes are
# excluded from upstream altSpellings on purpose: "IN", "IT", "US" are words).
EXTRA_ALIASES = {
    "US": ["US", "U.S.", "U.S.A.", "USA", "America", "United States", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom", "England", "Scotland", "Wales"],
    "AE": ["UAE", "U.A.E.", "United Arab Emirates", "Emirates"],
    "KP": ["North Korea", "DPRK", "Democratic People's Republic of Korea"],
    "KR": ["South Korea", "Republic of Korea"],
    "RU": ["Russia", "Russian Federation"],
    "CD": ["Democratic Republic of Congo", "Democratic Republic of the Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Republic of Congo"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast"],
    "CZ": ["Czech Republic", "Czechia"],
    "NL": ["Holland", "Netherlands", "The Netherlands"],
    "VA": ["Vatican"],
    "PS": ["Palestinian territories", "Palestinian Territories", "Palestine"],
    "SY": ["Syria"], "IR": ["Iran"], "LA": ["Laos"], "VN": ["Vietnam"], "TW": ["Taiwan"],
    "BO": ["Bolivia"], "VE": ["Venezuela"], "TZ": ["Tanzania"], "MD": ["Moldova"],
    "TL": ["East Timor", "Timor-Leste"], "CV": ["Cape Verde"], "SZ": ["Swaziland", "Eswatini"],
    "MK": ["Macedonia", "North Macedonia"], "TR": ["Turkey", "Turkiye"],
}
EXTRA_DEMONYMS = {
    "US": ["American", "Americans", "U.S."], "GB": ["British", "Briton", "Britons", "English", "Scottish", "Welsh"],
    "PS": ["Palestinian", "Palestinians"], "NL": ["Dutch"], "AF": ["Afghan", "Afghans", "Afghani"],
    "PH": ["Filipino", "Filipinos", "Philippine"], "CN": ["Chinese"], "JP": ["Japanese"],
    "KR": ["South Korean", "South Koreans"], "KP": ["North Korean", "North Koreans"],
    "IL": ["Israeli", "Israelis"], "IQ": ["Iraqi", "Iraqis"], "PK": ["Pakistani", "Pakistanis"],
    "SA": ["Saudi", "Saudis", "Saudi Arabian"], "TH": ["Thai"], "VN": ["Vietnamese"],
    "CH": ["Swiss"], "FR": ["French"], "DE": ["German", "Germans"], "SD": ["Sudanese"],
    "SO": ["Somali", "Somalis"], "BD": ["Bangladeshi", "Bangladeshis"], "YE": ["Yemeni", "Yemenis"],
    "KW": ["Kuwaiti", "Kuwaitis"], "QA": ["Qatari", "Qataris"], "AE": ["Emirati", "Emiratis"],
    "OM": ["Omani", "Omanis"], "NZ": ["New Zealander", "New Zealanders"], "TR": ["Turkish", "Turks"],
    "ES": ["Spanish", "Spaniard", "Spaniards"], "PL": ["Polish", "Poles"], "DK": ["Danish", "Danes"],
    "SE": ["Swedish", "Swedes"], "FI": ["Finnish", "Finns"], "NO": ["Norwegian", "Norwegians"],
    "IE": ["Irish"], "PT": ["Portuguese"], "GR": ["Greek", "Greeks"], "CZ": ["Czech", "Czechs"],
    "BY": ["Belarusian", "Belarusians"], "UA": ["Ukrainian", "Ukrainians"], "RU": ["Russian", "Russians"],
    "MM": ["Burmese"], "LK": ["Sri Lankan", "Sri Lankans"], "NP": ["Nepalese", "Nepali"],
    "CD": ["Congolese"], "LB": ["Lebanese"], "TW": ["Taiwanese"], "HK": ["Hong Konger"],
}
# Regions and landmarks: name, kind, country ("" for none), lat, lon.  Hand-written.
REGIONS = """Middle East|region||29.0|41.0
Gaza Strip|region|PS|31.42|34.36
West Bank|region|PS|31.95|35.25
Persian Gulf|region||26.5|52.0
Gulf of Aden|region||12.5|47.5
Horn of Africa|region||8.0|45.0
Darfur|region|SD|13.0|24.0
Kashmir|region||34.2|75.3
Balkans|region||43.0|21.0
Caucasus|region||42.5|44.0
Sahel|region||15.0|5.0
Europe|region||50.0|15.0
Asia|region||34.0|100.0
Africa|region||2.0|21.0
Latin America|region||-8.0|-62.0
North America|region||45.0|-100.0
South America|region||-15.0|-60.0
Central America|region||13.0|-86.0
Central Asia|region||43.0|65.0
South Asia|region||22.0|78.0
Southeast Asia|region||10.0|106.0
East Asia|region||35.0|115.0
Caribbean|region||17.0|-72.0
Scandinavia|region||63.0|15.0
Korean Peninsula|region||38.0|127.5
Strait of Hormuz|landmark||26.57|56.25
Red Sea|region||20.0|38.5
Mediterranean|region||35.0|18.0
Black Sea|region||43.0|35.0
Caspian Sea|region||41.5|50.5
Golan Heights|region|SY|33.0|35.75
Sinai|region|EG|29.5|33.8
Kurdistan|region|IQ|36.4|44.4
Chechnya|region|RU|43.4|45.7
Tibet|region|CN|31.0|88.0
Xinjiang|region|CN|41.0|85.0
Crimea|region|UA|45.3|34.4
South China Sea|region||12.0|113.0
Pacific|region||0.0|-160.0
Atlantic|region||30.0|-40.0
Indian Ocean|region||-20.0|80.0
Arctic|region||80.0|0.0
Antarctica|region||-82.0|0.0
Hindu Kush|region||35.5|70.5
Swat Valley|region|PK|35.2|72.5
Waziristan|region|PK|32.5|69.8
Punjab|region||31.0|73.0
Mindanao|region|PH|7.5|125.0
Aceh|region|ID|4.7|96.7
Niger Delta|region|NG|5.0|6.0
Ogaden|region|ET|7.0|44.0
Nagorno-Karabakh|region|AZ|39.9|46.7
Abkhazia|region|GE|43.0|41.0
South Ossetia|region|GE|42.3|44.0
Transnistria|region|MD|47.2|29.4
Siberia|region|RU|60.0|105.0
Patagonia|region|AR|-41.0|-69.0
White House|landmark|US|38.8977|-77.0365
Pentagon|landmark|US|38.8719|-77.0563
Kremlin|landmark|RU|55.752|37.6175
Capitol Hill|landmark|US|38.8899|-77.0091
Green Zone|landmark|IQ|33.3|44.39
Guantanamo Bay|landmark|CU|19.9|-75.15
Downing Street|landmark|GB|51.5033|-0.1276
Tahrir Square|landmark|EG|30.0444|31.2357
Wall Street|landmark|US|40.706|-74.009
Silicon Valley|region|US|37.4|-122.1
Gulf Coast|region|US|29.5|-91.0
Himalayas|region||28.0|84.0
Andes|region||-15.0|-70.0
Amazon|region|BR|-3.5|-62.0
Sahara|region||23.0|13.0
Mekong|region||15.0|105.0
Nile|region||26.0|32.0
Euphrates|region||34.0|41.5
Tigris|region||34.5|43.5
Suez Canal|landmark|EG|30.58|32.27
Panama Canal|landmark|PA|9.08|-79.68
Korean DMZ|landmark||38.0|127.0
Yellow Sea|region||35.0|123.0
Sea of Japan|region||40.0|135.0
Baltic|region||58.0|20.0
North Sea|region||56.0|3.0
Gulf of Mexico|region||25.0|-90.0
Taiwan Strait|region||24.0|119.5
Horn|region||8.0|45.0"""


def varint(b, i):
    shift = 0; v = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7f) << shift; shift += 7
        if c < 0x80:
            return v, i


def zigzag(v):
    return (v >> 1) ^ -(v & 1)


def read_cities(path):
    b = open(path, 'rb').read()
    i = 0; lat = lon = 0; out = []
    while i < len(b):
        n, i = varint(b, i); end = i + n
        c = {"pop": 0, "admin": "", "name": "", "cc": "", "fc": ""}
        while i < end:
            key, i = varint(b, i); tag, wt = key >> 3, key & 7
            if wt == 2:
                ln, i = varint(b, i); s = b[i:i + ln].decode('utf-8'); i += ln
                if tag == 2: c["name"] = s
                elif tag == 3: c["cc"] = s
                elif tag == 7: c["fc"] = s
                elif tag == 8: c["admin"] = s
            else:
                v, i = varint(b, i)
                if tag == 9: c["pop"] = v
                elif tag == 10: lon += zigzag(v); c["lon"] = lon / 1e5
                elif tag == 11: lat += zigzag(v); c["lat"] = lat / 1e5
        out.append(c)
    return out


def clean(s):
    return s.replace('\t', ' ').replace('|', ' ').strip()


def countries(wc_path, iso_dir):
    iso = {c["alpha_2"]: c for c in json.load(open(os.path.join(iso_dir, "iso_3166-1.json")))["3166-1"]}
    rows = []
    for c in json.load(open(wc_path)):
        cc = c["cca2"]
        if cc not in iso:
            continue
        name = {"US": "United States", "GB": "United Kingdom"}.get(cc, c["name"]["common"])
        al = [c["name"]["common"], c["name"]["official"], iso[cc]["name"]]
        al += [iso[cc].get("common_name", "")]
        al += [a for a in c.get("altSpellings", []) if len(a) > 3 and ',' not in a]
        al += EXTRA_ALIASES.get(cc, [])
        dem = []
        for g in c.get("demonyms", {}).get("eng", {}).values():
            dem.append(g)
            if g.endswith(("an", "i")):
                dem.append(g + "s")
        dem += EXTRA_DEMONYMS.get(cc, [])
        al = sorted({clean(a) for a in al if a and a != name})
        dem = sorted({clean(d) for d in dem if d})
        lat, lon = c.get("latlng", [0, 0])[:2]
        rows.append((cc, name, "%.4f" % lat, "%.4f" % lon, "|".join(al), "|".join(dem)))
    return sorted(rows)


def admin1(iso_dir, cities):
    subs = json.load(open(os.path.join(iso_dir, "iso_3166-2.json")))["3166-2"]
    acc = {}
    for c in cities:
        if not c["admin"] or "lat" not in c:
            continue
        k = c["cc"] + "-" + c["admin"]
        w = max(c["pop"], 1)
        a = acc.setdefault(k, [0.0, 0.0, 0.0])
        a[0] += w * c["lat"]; a[1] += w * c["lon"]; a[2] += w
    rows = []
    for s in subs:
        if "parent" in s or s["code"] not in acc:
            continue
        a = acc[s["code"]]
        rows.append((s["code"], s["code"][:2], clean(s["name"]), "%.4f" % (a[0] / a[2]), "%.4f" % (a[1] / a[2])))
    return sorted(rows)


def main():
    pbf, wc, iso_dir, min_pop, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    cities = read_cities(pbf)
    def w(name, header, rows):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(header + "\n")
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")
    w("countries.tsv", "# code\tname\tlat\tlon\taliases|...\tdemonyms|...", countries(wc, iso_dir))
    w("admin1.tsv", "# code\tcountry\tname\tlat\tlon (population-weighted centroid of its cities)", admin1(iso_dir, cities))
    keep = [c for c in cities if (c["pop"] >= min_pop or c["fc"] == "PPLC") and c["name"] and "lat" in c]
    rows = sorted((clean(c["name"]), c["cc"], c["admin"], "%.4f" % c["lat"], "%.4f" % c["lon"], c["pop"]) for c in keep)
    w("cities.tsv", "# name\tcountry\tadmin1\tlat\tlon\tpopulation", rows)
    reg = [tuple(l.split("|")) for l in REGIONS.splitlines()]
    w("regions.tsv", "# name\tkind\tcountry\tlat\tlon (hand-written for Dossier)", sorted(reg))


main()
