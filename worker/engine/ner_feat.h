/* ner_feat.h: the named-entity tagger's label set and feature extraction.
 *
 * Shared by the runtime tagger (ner_tag.c) and the trainer (tools/ner_train.c) so
 * that both see exactly the same features: a feature is a 32-bit hash of a
 * template id and the hashed properties of tokens around the current one.  The
 * model stores weights per (feature hash, label); a hash nobody trained on just
 * scores zero.  Invariants: feature hashes are never 0 (0 marks an empty model
 * slot); everything here is a pure function of its arguments.
 */
#ifndef NER_FEAT_H
#define NER_FEAT_H

#include <stddef.h>
#include <stdint.h>

/* Entity types the tagger predicts.  NORP covers nationality adjectives and groups
 * (GMB's gpe); scoring counts a predicted NORP as LOCATION. */
enum { NER_PER = 0, NER_ORG = 1, NER_LOC = 2, NER_NORP = 3, NER_NTYPES = 4 };

/* BILOU labels: 0 is O; then for type t: B = 1 + 4t, I = 2 + 4t, L = 3 + 4t, U = 4 + 4t. */
enum { NER_O = 0, NER_B = 1, NER_I = 2, NER_L = 3, NER_U = 4 };
#define NER_NLABELS (1 + 4 * NER_NTYPES)
#define NER_LABEL(type, part) ((uint8_t)(1 + 4 * (type) + ((part)-1)))
#define NER_LABEL_TYPE(l) (((l)-1) / 4)
#define NER_LABEL_PART(l) ((l) == 0 ? NER_O : 1 + ((l)-1) % 4)

/* Gazetteer classes; a token's gaz word has bit 2c set when a phrase of class c
 * starts at it and bit 2c+1 when one continues through it. */
enum {
    NER_GAZ_COUNTRY = 0,
    NER_GAZ_DEMONYM,
    NER_GAZ_CITY, /* cities of 100,000 people or more */
    NER_GAZ_ADMIN1,
    NER_GAZ_REGION,
    NER_GAZ_GIVEN,   /* given names */
    NER_GAZ_SURNAME, /* words seen as the last word of person names */
    NER_GAZ_ORGWORD, /* Inc, Ministry, Party, Agency ... */
    NER_GAZ_ORG,     /* known organisation names */
    NER_GAZ_TITLE,   /* person titles (President, Minister) */
    NER_GAZ_LOWER,   /* words written in lowercase most of the time */
    NER_GAZ_NCLASSES
};
#define NER_GAZ_B(c) (1u << (2 * (c)))
#define NER_GAZ_I(c) (1u << (2 * (c) + 1))

/* Sentence flags that change how case is read. */
enum { NER_SENT_HEADLINE = 1, NER_SENT_ALLCAPS = 2 };

/* Case classes of a token. */
enum { NER_CASE_NONE = 0, NER_CASE_LOWER, NER_CASE_TITLE, NER_CASE_CAPS, NER_CASE_MIXED };

/* Per-token properties, computed once per token. */
typedef struct {
    uint64_t lower;  /* hash of the normalised lowercase form (digits as 0) */
    uint64_t shape;  /* hash of the collapsed shape ("Xx", "X.X.", "d") */
    uint64_t pre[2]; /* 2- and 3-byte prefixes of the lowercase form */
    uint64_t suf[3]; /* 2-, 3- and 4-byte suffixes */
    uint32_t gaz;    /* NER_GAZ_B/I bits */
    uint8_t cas;     /* NER_CASE_* */
    uint8_t len;     /* byte length, capped at 255 */
    uint8_t ini;     /* first byte of the lowercase form */
    /* Capitalised run around the token (ner_sentence_chains): a maximal sequence of
     * capitalised words, with one or two of of/for/the/de between two of them
     * ("Organization of Petroleum Exporting Countries"). */
    uint8_t cpos;  /* NER_B/I/L/U inside a run, NER_O outside */
    uint8_t clen;  /* run length in tokens, capped at 6 */
    uint8_t cinfo; /* NER_CHAIN_* bits */
    uint32_t cgaz; /* gazetteer B bits of the run's last word */
    uint64_t head; /* lowercase hash of the run's last word */
} ner_props_t;

enum {
    NER_CHAIN_CONN = 1,     /* the run has a lowercase connector inside */
    NER_CHAIN_START = 2,    /* the run opens the sentence */
    NER_CHAIN_ACRO = 4,     /* the run is followed by "(ACRONYM)" of its initials */
    NER_CHAIN_IS_ACRO = 8,  /* the token is such an acronym in parentheses */
    NER_CHAIN_ORGWORD = 16, /* a word of the run is an organisation word */
};

#define NER_MAX_FEATS 128 /* 22 gazetteer bits at three positions plus 40 others */
#define NER_MAX_TOKLEN 64 /* longer tokens are read from their first 64 bytes */

uint64_t ner_hash(const void *p, size_t n);
/* The feature key of template id over values a and b (never 0). */
uint32_t ner_feat_key(uint64_t id, uint64_t a, uint64_t b);
/* A 64-bit finaliser (splitmix64's) and the combination of two hashes through it; inline,
 * as the tagger's caches key every token with two of them. */
static inline uint64_t ner_fmix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
static inline uint64_t ner_mix(uint64_t a, uint64_t b)
{
    return ner_fmix(a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL);
}

/* Writes the normalised lowercase form of s (ASCII and Latin-1 letters lowered,
 * digits as '0', curly quotes and dashes as ASCII) into out (cap >= NER_MAX_TOKLEN+8);
 * returns its length. */
size_t ner_norm_lower(const char *s, size_t len, char *out);

/* Case class of a token's text. */
int ner_case(const char *s, size_t len);

void ner_props(const char *s, size_t len, uint32_t gaz, ner_props_t *p);

/* Sentence flags for a sentence of n tokens' properties (headline: most words of 4+ letters in
 * title case; all-caps: no lowercase letters and at least 3 letters in words). */
unsigned ner_sentence_flags(const ner_props_t *p, size_t n);

/* Fills the run fields (cpos ... head) of a sentence's properties; in headline and
 * all-caps sentences (sflags != 0) case says nothing and no token is in a run. */
void ner_sentence_chains(ner_props_t *p, size_t n, unsigned sflags);

/* Features of token i in a sentence of n tokens; returns the count (<= NER_MAX_FEATS).
 * They are the union of three groups, which the runtime scores separately so that it
 * can cache the first two per distinct token in a document:
 *   ner_feat_unary: the token itself;
 *   ner_feat_neighbour: token t seen from offset off (-2, -1, 1, 2) of the current one
 *     (t NULL: past the sentence edge);
 *   ner_feat_pairs: conjunctions of the token with its neighbours, sentence position. */
size_t ner_features(const ner_props_t *p, size_t n, size_t i, unsigned sflags, uint32_t *out);
size_t ner_feat_unary(const ner_props_t *t, unsigned sflags, uint32_t *out);
size_t ner_feat_neighbour(const ner_props_t *t, int off, unsigned sflags, uint32_t *out);
size_t ner_feat_pairs(const ner_props_t *p, size_t n, size_t i, unsigned sflags, uint32_t *out);
#define NER_PAIR_FEATS 16 /* room for ner_feat_pairs' features of one token (at most 13) */

/* Viterbi over BILOU.  emit is n*NER_NLABELS, trans is (NER_NLABELS+1)*NER_NLABELS
 * (row NER_NLABELS is the start row) with forbidden moves masked by ner_trans_mask.
 * score and back are scratch of n*NER_NLABELS each. */
void ner_viterbi(const float *emit, const float *trans, size_t n, uint8_t *labels, float *score,
                 uint8_t *back);
/* The allowed transitions of a matrix, gathered once for ner_viterbi_span. */
typedef struct ner_vtab {
    const float *trans;
    float open[9 * 12], cont[8 * 2];
} ner_vtab_t;
void ner_viterbi_prep(const float *trans, ner_vtab_t *vt);
/* Viterbi over a stretch of a sentence whose other tokens are O: after_o, the token
 * before it is O (else it opens the sentence); before_o, the token after it is O (else
 * it closes the sentence).  score is scratch of n*NER_NLABELS. */
void ner_viterbi_span(const ner_vtab_t *vt, const float *emit, size_t n, int after_o, int before_o,
                      uint8_t *labels, float *score);

#define NER_FORBIDDEN (-1e9f)
void ner_trans_mask(float *trans);

/* 1 when label b may follow label a (a == NER_NLABELS: sentence start). */
int ner_transition_ok(unsigned a, unsigned b);

/* Incremental hash of a phrase's normalised text, so that a gazetteer phrase read
 * from a file ("Sharm el-Sheikh") and the same words in a document hash alike however
 * the tokenizer split them: tokens are added with ner_phash_add, and ner_phash_space
 * marks whitespace between two tokens (adjacent tokens get none). */
typedef struct {
    uint64_t h;
    size_t n;
} ner_phash_t;

void ner_phash_init(ner_phash_t *ph);
void ner_phash_add(ner_phash_t *ph, const char *s, size_t len);
void ner_phash_space(ner_phash_t *ph);
uint64_t ner_phash_final(const ner_phash_t *ph);
/* The phrase hash of a whole string; runs of spaces count as one space. */
uint64_t ner_phrase_key(const char *s, size_t len);

#endif
