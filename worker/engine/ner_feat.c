/* ner_feat.c: token properties, feature hashing and BILOU Viterbi for the tagger.
 *
 * The trainer and the runtime call the same functions, so a model is valid exactly
 * as long as this file's templates do not change: any edit to a template id or to
 * the normalisation needs a retrained model (data/ner/README.md says how).
 * Shape features are mixed with the sentence flags, so in headlines and all-caps
 * text the model uses separately trained case weights and leans on the words.
 */
#include "ner_feat.h"

#include <string.h>

enum {
    F_BIAS = 1,
    F_L0,
    F_S0,
    F_P2,
    F_P3,
    F_S2,
    F_S3,
    F_S4,
    F_LM1,
    F_LP1,
    F_LM2,
    F_LP2,
    F_SM1,
    F_SP1,
    F_LM1L0,
    F_L0LP1,
    F_SHAPE3,
    F_GAZ0,
    F_GAZM1,
    F_GAZP1,
    F_FIRST_CASE,
    F_FIRST_L0,
    F_CASE_LOWER,
    F_GAZ0_CASE,
    F_LM1_S0,
    F_S0_LP1,
    F_CASE3,
    F_LEN,
    F_LAST,
    F_GAZ2,
    F_CHAIN,
    F_CHAIN_HEAD,
    F_CHAIN_HGAZ,
    F_CHAIN_ACRO,
};

uint64_t ner_hash(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return ner_fmix(h ^ n);
}

/* ASCII bytes as the lowercase form has them: letters lowered, digits as '0' (norm_char's
 * first case, as a table for the hot loops). */
static const uint8_t kAsciiLower[128] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,
    19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,
    38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  58,  59,  60,  61,  62,  63,  64,  97,  98,  99,  100, 101, 102, 103, 104, 105, 106, 107,
    108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 91,  92,  93,  94,
    95,  96,  97,  98,  99,  100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,
    114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
};

/* One normalised character at s[i]: writes its bytes to out (*olen of them) and its
 * shape letter; returns the input bytes consumed. */
static size_t norm_char(const uint8_t *s, size_t len, size_t i, char *out, size_t *olen, char *shape)
{
    uint8_t c = s[i];
    *olen = 1;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') {
            *out = (char)(c + 32), *shape = 'X';
        } else if (c >= 'a' && c <= 'z') {
            *out = (char)c, *shape = 'x';
        } else if (c >= '0' && c <= '9') {
            *out = '0', *shape = 'd';
        } else {
            *out = (char)c, *shape = (char)c;
        }
        return 1;
    }
    if (c == 0xC3 && i + 1 < len) {
        uint8_t d = s[i + 1];
        int up = d >= 0x80 && d <= 0x9E && d != 0x97;
        out[0] = (char)0xC3, out[1] = (char)(up ? d + 0x20 : d), *shape = up ? 'X' : 'x';
        *olen = 2;
        return 2;
    }
    if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80) {
        uint8_t d = s[i + 2];
        if (d == 0x98 || d == 0x99) {
            *out = '\'', *shape = '\'';
            return 3;
        }
        if (d == 0x9C || d == 0x9D) {
            *out = '"', *shape = '"';
            return 3;
        }
        if (d == 0x93 || d == 0x94) {
            *out = '-', *shape = '-';
            return 3;
        }
    }
    /* other non-ASCII: copy the lead byte's sequence as a lowercase letter */
    size_t k = 1;
    while (i + k < len && (s[i + k] & 0xC0) == 0x80) {
        k++;
    }
    memcpy(out, s + i, k);
    *olen = k;
    *shape = 'x';
    return k;
}

/* Normalises s into lower (cap NER_MAX_TOKLEN+8) and its collapsed shape (cap 24). */
static size_t normalise(const char *s, size_t len, char *lower, char *shape, size_t *shape_len)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t n = 0, sn = 0;
    if (len > NER_MAX_TOKLEN) {
        len = NER_MAX_TOKLEN;
    }
    for (size_t i = 0; i < len;) {
        char sh;
        size_t olen = 1;
        if (u[i] < 0x80) { /* norm_char's first case, inline */
            uint8_t c = u[i++];
            lower[n] = (char)kAsciiLower[c];
            sh = c >= 'A' && c <= 'Z'   ? 'X'
                 : c >= 'a' && c <= 'z' ? 'x'
                 : c >= '0' && c <= '9' ? 'd'
                                        : (char)c;
        } else {
            i += norm_char(u, len, i, lower + n, &olen, &sh);
        }
        n += olen;
        if (sn == 0 || (shape[sn - 1] != sh && sn < 16)) {
            shape[sn++] = sh;
        }
    }
    *shape_len = sn;
    return n;
}

size_t ner_norm_lower(const char *s, size_t len, char *out)
{
    char shape[24];
    size_t sl;
    return normalise(s, len, out, shape, &sl);
}

static int case_of_shape(const char *shape, size_t sl)
{
    int up = 0, lo = 0, first_up = -1;
    for (size_t i = 0; i < sl; i++) {
        if (shape[i] == 'X') {
            up++;
        } else if (shape[i] == 'x') {
            lo++;
        } else {
            continue;
        }
        if (first_up < 0) {
            first_up = shape[i] == 'X';
        }
    }
    if (up == 0 && lo == 0) {
        return NER_CASE_NONE;
    }
    if (up == 0) {
        return NER_CASE_LOWER;
    }
    if (lo == 0) {
        return NER_CASE_CAPS;
    }
    return (first_up == 1 && up == 1) ? NER_CASE_TITLE : NER_CASE_MIXED;
}

int ner_case(const char *s, size_t len)
{
    char lower[NER_MAX_TOKLEN + 8], shape[24];
    size_t sl;
    (void)normalise(s, len, lower, shape, &sl);
    return case_of_shape(shape, sl);
}

void ner_props(const char *s, size_t len, uint32_t gaz, ner_props_t *p)
{
    char lower[NER_MAX_TOKLEN + 8], shape[24];
    size_t sl;
    size_t n = normalise(s, len, lower, shape, &sl);
    p->lower = ner_hash(lower, n);
    p->shape = ner_hash(shape, sl);
    for (int k = 0; k < 2; k++) {
        size_t m = (size_t)k + 2;
        p->pre[k] = n > m ? ner_hash(lower, m) : 0;
    }
    for (int k = 0; k < 3; k++) {
        size_t m = (size_t)k + 2;
        p->suf[k] = n > m ? ner_hash(lower + n - m, m) : 0;
    }
    p->gaz = gaz;
    p->cas = (uint8_t)case_of_shape(shape, sl);
    p->len = (uint8_t)(len > 255 ? 255 : len);
    p->ini = n ? (uint8_t)lower[0] : 0;
    p->cpos = NER_O, p->clen = 0, p->cinfo = 0, p->cgaz = 0, p->head = 0;
}

unsigned ner_sentence_flags(const ner_props_t *p, size_t n)
{
    size_t words = 0, title = 0, caps = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        int c = p[i].cas;
        if (c == NER_CASE_LOWER || c == NER_CASE_MIXED) {
            lower++;
        }
        if (p[i].len < 4 || c == NER_CASE_NONE) {
            continue;
        }
        words++;
        title += c == NER_CASE_TITLE;
        caps += c == NER_CASE_CAPS;
    }
    if (words >= 2 && caps == words && lower == 0) {
        return NER_SENT_ALLCAPS;
    }
    if (words >= 3 && title * 5 >= words * 4) {
        return NER_SENT_HEADLINE;
    }
    return 0;
}

static int capword(const ner_props_t *t)
{
    return t->cas == NER_CASE_TITLE || t->cas == NER_CASE_CAPS || t->cas == NER_CASE_MIXED;
}

/* End of the run that starts at capitalised token i; *conn set when a connector (one
 * or two of of/for/the/de: "Organization of the Islamic Conference") is inside. */
static size_t chain_end(const ner_props_t *p, size_t n, size_t i, const uint64_t *conn_words, int *conn)
{
    size_t j = i + 1;
    *conn = 0;
    while (j < n) {
        if (capword(&p[j])) {
            j++;
            continue;
        }
        size_t k = j;
        while (k < n && k < j + 2 &&
               (p[k].lower == conn_words[0] || p[k].lower == conn_words[1] || p[k].lower == conn_words[2] ||
                p[k].lower == conn_words[3])) {
            k++;
        }
        if (k == j || k >= n || !capword(&p[k])) {
            break;
        }
        *conn = 1;
        j = k + 1;
    }
    return j;
}

/* NER_CHAIN_ACRO when tokens [j, j+3) are "(", the run's initials in capitals, ")". */
static unsigned chain_acronym(ner_props_t *p, size_t n, size_t i, size_t j, const uint64_t *conn_words)
{
    char ini[16];
    size_t k = 0;
    if (j + 3 > n || p[j].lower != conn_words[6] || p[j + 2].lower != conn_words[7] ||
        p[j + 1].cas != NER_CASE_CAPS) {
        return 0;
    }
    for (size_t t = i; t < j && k < sizeof ini; t++) {
        if (capword(&p[t])) {
            ini[k++] = (char)p[t].ini;
        }
    }
    if (k < 2 || ner_hash(ini, k) != p[j + 1].lower) {
        return 0;
    }
    p[j + 1].cinfo |= NER_CHAIN_IS_ACRO;
    return NER_CHAIN_ACRO;
}

void ner_sentence_chains(ner_props_t *p, size_t n, unsigned sflags)
{
    static const char *const words[8] = {"of", "for", "the", "de", "", "", "(", ")"};
    uint64_t cw[8];
    for (int k = 0; k < 8; k++) {
        cw[k] = ner_hash(words[k], strlen(words[k]));
    }
    for (size_t i = 0; i < n && !sflags;) {
        int conn;
        if (!capword(&p[i])) {
            i++;
            continue;
        }
        size_t j = chain_end(p, n, i, cw, &conn);
        unsigned info =
            (conn ? NER_CHAIN_CONN : 0) | (i == 0 ? NER_CHAIN_START : 0) | chain_acronym(p, n, i, j, cw);
        for (size_t t = i; t < j; t++) {
            info |= (p[t].gaz & NER_GAZ_B(NER_GAZ_ORGWORD)) ? NER_CHAIN_ORGWORD : 0;
        }
        for (size_t t = i; t < j; t++) {
            p[t].cpos = j - i == 1 ? NER_U : t == i ? NER_B : t + 1 == j ? NER_L : NER_I;
            p[t].clen = (uint8_t)(j - i > 6 ? 6 : j - i);
            p[t].cinfo |= (uint8_t)info;
            p[t].cgaz = p[j - 1].gaz & 0x55555555u;
            p[t].head = p[j - 1].lower;
        }
        i = j;
    }
}

static uint32_t key32(uint64_t h)
{
    uint32_t k = (uint32_t)(h >> 32) ^ (uint32_t)h;
    return k ? k : 1;
}

uint32_t ner_feat_key(uint64_t id, uint64_t a, uint64_t b)
{
    return key32(ner_mix(ner_mix(id, a), b));
}

#define T1(id, a) ner_mix((uint64_t)(id), (a))
#define T2(id, a, b) ner_mix(ner_mix((uint64_t)(id), (a)), (b))

/* The lowercase hash of token i+off, or a boundary marker. */
static uint64_t lw(const ner_props_t *p, size_t n, size_t i, int off)
{
    long j = (long)i + off;
    return j < 0 ? 0x1111 : j >= (long)n ? 0x2222 : p[j].lower;
}

static uint64_t sh(const ner_props_t *p, size_t n, size_t i, int off)
{
    long j = (long)i + off;
    return j < 0 ? 0x1111 : j >= (long)n ? 0x2222 : p[j].shape;
}

static size_t gaz_feats(uint32_t gaz, int id, uint32_t *out, size_t k)
{
    for (unsigned b = 0; gaz; b++, gaz >>= 1) {
        if (gaz & 1u) {
            out[k++] = key32(T1(id, b));
        }
    }
    return k;
}

size_t ner_feat_unary(const ner_props_t *t, unsigned sflags, uint32_t *out)
{
    uint64_t sf = (uint64_t)sflags * 0x5bd1e995ULL; /* shape features are per sentence mode */
    uint64_t cas = t->cas + 8 * sflags;
    size_t k = 0;
    out[k++] = key32(T1(F_BIAS, 0));
    out[k++] = key32(T1(F_L0, t->lower));
    out[k++] = key32(T1(F_S0, t->shape ^ sf));
    for (int j = 0; j < 2; j++) {
        if (t->pre[j]) {
            out[k++] = key32(T1(F_P2 + j, t->pre[j]));
        }
    }
    for (int j = 0; j < 3; j++) {
        if (t->suf[j]) {
            out[k++] = key32(T1(F_S2 + j, t->suf[j]));
        }
    }
    out[k++] = key32(T2(F_CASE_LOWER, cas, (t->gaz & NER_GAZ_B(NER_GAZ_LOWER)) != 0));
    out[k++] = key32(T2(F_LEN, cas, t->len > 12 ? 12 : t->len));
    out[k++] = key32(T2(F_GAZ0_CASE, cas, t->gaz));
    return gaz_feats(t->gaz, F_GAZ0, out, k);
}

size_t ner_feat_neighbour(const ner_props_t *t, int off, unsigned sflags, uint32_t *out)
{
    uint64_t sf = (uint64_t)sflags * 0x5bd1e995ULL;
    uint64_t lower = t ? t->lower : off < 0 ? 0x1111 : 0x2222, shape = t ? t->shape : lower;
    uint32_t gaz = t ? t->gaz : 0;
    size_t k = 0;
    switch (off) {
    case -1:
    case 1:
        out[k++] = key32(T1(off < 0 ? F_LM1 : F_LP1, lower));
        out[k++] = key32(T1(off < 0 ? F_SM1 : F_SP1, shape ^ sf));
        return gaz_feats(gaz, off < 0 ? F_GAZM1 : F_GAZP1, out, k);
    case -2:
        out[k++] = key32(T1(F_LM2, lower));
        return k;
    default:
        out[k++] = key32(T1(F_LP2, lower));
        if (t) {
            out[k++] = key32(T1(F_GAZ2, gaz & 0x55555555u));
        }
        return k;
    }
}

size_t ner_feat_pairs(const ner_props_t *p, size_t n, size_t i, unsigned sflags, uint32_t *out)
{
    const ner_props_t *t = &p[i];
    uint64_t sf = (uint64_t)sflags * 0x5bd1e995ULL;
    uint64_t s0 = sh(p, n, i, 0) ^ sf, sm1 = sh(p, n, i, -1) ^ sf, sp1 = sh(p, n, i, 1) ^ sf;
    uint64_t l0 = t->lower, lm1 = lw(p, n, i, -1), lp1 = lw(p, n, i, 1);
    uint64_t cas = t->cas + 8 * sflags;
    size_t k = 0;
    out[k++] = key32(T2(F_LM1L0, lm1, l0));
    out[k++] = key32(T2(F_L0LP1, l0, lp1));
    out[k++] = key32(T2(F_SHAPE3, T1(sm1, s0), sp1));
    out[k++] = key32(T2(F_LM1_S0, lm1, s0));
    out[k++] = key32(T2(F_S0_LP1, s0, lp1));
    uint64_t cm1 = i > 0 ? p[i - 1].cas : 7, cp1 = i + 1 < n ? p[i + 1].cas : 7;
    out[k++] = key32(T2(F_CASE3, cas, cm1 * 8 + cp1));
    if (i == 0) {
        out[k++] = key32(T1(F_FIRST_CASE, cas));
        out[k++] = key32(T1(F_FIRST_L0, l0));
    }
    if (i + 1 == n) {
        out[k++] = key32(T1(F_LAST, s0));
    }
    if (t->cpos != NER_O) {
        uint64_t pos = (uint64_t)t->cpos * 8 + t->clen;
        out[k++] = key32(T2(F_CHAIN, pos, t->cinfo));
        out[k++] = key32(T2(F_CHAIN_HEAD, t->cpos, t->head));
        out[k++] = key32(T2(F_CHAIN_HGAZ, t->cpos, t->cgaz | (t->cinfo & NER_CHAIN_ORGWORD) << 26));
    }
    if (t->cinfo & NER_CHAIN_IS_ACRO) {
        out[k++] = key32(T1(F_CHAIN_ACRO, 1));
    }
    return k;
}

static const ner_props_t *at(const ner_props_t *p, size_t n, size_t i, int off)
{
    long j = (long)i + off;
    return j < 0 || j >= (long)n ? NULL : &p[j];
}

size_t ner_features(const ner_props_t *p, size_t n, size_t i, unsigned sflags, uint32_t *out)
{
    size_t k = ner_feat_unary(&p[i], sflags, out);
    static const int offs[4] = {-2, -1, 1, 2};
    for (int j = 0; j < 4; j++) {
        k += ner_feat_neighbour(at(p, n, i, offs[j]), offs[j], sflags, out + k);
    }
    return k + ner_feat_pairs(p, n, i, sflags, out + k);
}

void ner_phash_init(ner_phash_t *ph)
{
    ph->h = 0xcbf29ce484222325ULL;
    ph->n = 0;
}

static void phash_bytes(ner_phash_t *ph, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ph->h ^= (uint8_t)s[i];
        ph->h *= 0x100000001b3ULL;
    }
    ph->n += n;
}

/* Hashes the normalised form of s straight from its bytes while they are ASCII (one byte
 * in, the same byte normalise() writes out); other tokens take the general path. */
void ner_phash_add(ner_phash_t *ph, const char *s, size_t len)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t n = len > NER_MAX_TOKLEN ? NER_MAX_TOKLEN : len;
    uint64_t h = ph->h;
    size_t i = 0;
    for (; i < n && u[i] < 0x80; i++) {
        h ^= kAsciiLower[u[i]];
        h *= 0x100000001b3ULL;
    }
    if (i == n) {
        ph->h = h, ph->n += n;
        return;
    }
    char lower[NER_MAX_TOKLEN + 8];
    phash_bytes(ph, lower, ner_norm_lower(s, len, lower));
}

void ner_phash_space(ner_phash_t *ph)
{
    phash_bytes(ph, " ", 1);
}

uint64_t ner_phash_final(const ner_phash_t *ph)
{
    return ner_fmix(ph->h ^ ph->n);
}

uint64_t ner_phrase_key(const char *s, size_t len)
{
    ner_phash_t ph;
    ner_phash_init(&ph);
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            i++;
        }
        size_t j = i;
        while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r') {
            j++;
        }
        if (j > i) {
            if (ph.n > 0) {
                ner_phash_space(&ph);
            }
            ner_phash_add(&ph, s + i, j - i);
        }
        i = j;
    }
    return ner_phash_final(&ph);
}
