/* engine_lang.c: language identification with a confidence.
 *
 * Two signals.  First, stopword profiles: every word token already carries the set
 * of languages it is a stopword in (engine_words.c), so counting them over the
 * first words costs nothing.  When one language clearly leads (enough of the words,
 * well ahead of the runner-up) it is the answer.  Otherwise -- closely related
 * languages, scripts without stopword lists, mixed text -- libexttextcat classifies
 * the first kilobyte with its n-gram models (data/engine/textcat).  textcat is the
 * fallback, not the first step, because one classification costs 150-900 us here
 * (most of it building the sample's n-gram profile), which alone would cap the
 * engine below the 20 MB/s goal on 3 KB articles; the stopword count is ~free.
 *
 * Confidence is in [0, 1]: for stopwords, how far the leader is ahead and how much
 * of the text it covers, damped for short texts; for textcat, 1/k for k candidates
 * within its tie threshold, damped the same way.  Texts of fewer than
 * ENGINE_LANG_MIN_WORDS words (and ENGINE_LANG_MIN_CHARS characters, for scripts
 * without spaces) are "unknown".  A language given at submit wins with
 * confidence 1.
 */
#include "engine_internal.h"

#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <string.h>

#define ENGINE_LANG_MIN_WORDS 8
#define ENGINE_LANG_MIN_CHARS 40 /* for scripts written without spaces */
#define SAMPLE_WORDS 1000
#define TEXTCAT_SAMPLE_BYTES 1024
#define LEAD_MIN_RATIO 0.12
#define LEAD_FACTOR 1.6

int engine_lang_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen)
{
    char conf[4096], prefix[4096];
    snprintf(conf, sizeof conf, "%s/engine/textcat/fpdb.conf", data_dir);
    snprintf(prefix, sizeof prefix, "%s/engine/textcat/", data_dir);
    d->textcat = special_textcat_Init(conf, prefix);
    if (d->textcat == NULL) {
        snprintf(errstr, errlen, "cannot load language models from %s", conf);
        return DS_ECONFIG;
    }
    return 0;
}

void engine_lang_free(engine_data_t *d)
{
    if (d->textcat != NULL) {
        textcat_Done(d->textcat);
        d->textcat = NULL;
    }
}

static double damp(size_t words)
{
    return words >= 30 ? 1.0 : (double)(words > 0 ? words : 1) / 30.0;
}

/* Stopword vote over the first words; returns the leader's bit index or -1. */
static int stopword_vote(const engine_t *e, const engine_result_t *r, size_t *words, double *conf)
{
    const engine_data_t *d = e->data;
    uint32_t cnt[ENGINE_MAX_LANGS] = {0};
    size_t n = 0;
    for (size_t k = 0; k < r->n_toks && n < SAMPLE_WORDS; k++) {
        const engine_tok_t *t = &r->toks[k];
        if (!(t->flags & ENGINE_TOK_WORD) || (t->flags & ENGINE_TOK_CLITIC)) {
            continue;
        }
        n++;
        uint32_t id = e->words[k].vocab;
        uint32_t bits = id == ENGINE_LEX_NONE ? 0 : d->ventries[id].stop;
        while (bits != 0) {
            int b = __builtin_ctz(bits);
            cnt[b]++;
            bits &= bits - 1;
        }
    }
    *words = n;
    int best = 0, second = -1;
    for (int i = 1; i < d->n_langs; i++) {
        if (cnt[i] > cnt[best]) {
            second = best;
            best = i;
        } else if (second < 0 || cnt[i] > cnt[second]) {
            second = i;
        }
    }
    double rb = n ? (double)cnt[best] / (double)n : 0;
    double rs = (n && second >= 0) ? (double)cnt[second] / (double)n : 0;
    if (rb < LEAD_MIN_RATIO || rb < LEAD_FACTOR * rs) {
        return -1;
    }
    double lead = (rb - rs) / rb;
    double cover = rb / 0.3 > 1 ? 1 : rb / 0.3;
    *conf = (0.5 * lead + 0.5 * cover) * damp(n);
    return best;
}

/* textcat on the start of the text; returns a static language name or NULL. */
static const char *textcat_vote(const engine_t *e, const engine_result_t *r, size_t words, double *conf)
{
    void *tc = e->data->textcat;
    size_t n = r->len < TEXTCAT_SAMPLE_BYTES ? r->len : TEXTCAT_SAMPLE_BYTES;
    while (n > 0 && n < r->len && ((unsigned char)r->text[n] & 0xC0) == 0x80) {
        n--; /* end on a character boundary */
    }
    candidate_t *c = textcat_GetClassifyFullOutput(tc);
    int k = textcat_ClassifyFull(tc, r->text, n, c);
    const char *name = NULL;
    if (k > 0 && c[0].name != NULL && strlen(c[0].name) <= 3) {
        static const char *const known[] = {
            "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "nb", "nn", "fi", "ru", "tr", "pl", "ro",
            "hu", "id", "ca", "cs", "el", "ar", "hi", "lt", "eu", "ga", "hy", "uk", "bg", "hr", "sk", "sl",
            "vi", "zh", "ja", "ko", "he", "fa", "ur", "bn", "ta", "th", "ms", "sw", "tl", "sq", "sr", "mk",
            "be", "et", "lv", "is", "cy", "af", "gl", "ka", "az", "kk", "uz", "mn", "am", "so", "yo", "zu"};
        for (size_t i = 0; i < sizeof known / sizeof known[0] && name == NULL; i++) {
            if (strcmp(known[i], c[0].name) == 0) {
                name = known[i];
            }
        }
        *conf = (1.0 / k) * 0.9 * damp(words > (size_t)r->words ? words : (size_t)r->words);
    }
    textcat_ReleaseClassifyFullOutput(tc, c);
    return name;
}

static const char *given_lang(engine_result_t *r)
{
    const char *g = r->in.lang;
    size_t n = g ? strlen(g) : 0;
    if (n < 2 || n > 3) {
        return NULL;
    }
    char low[4];
    for (size_t i = 0; i < n; i++) {
        char c = g[i];
        c = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (c < 'a' || c > 'z') {
            return NULL;
        }
        low[i] = c;
    }
    low[n] = '\0';
    return engine_arena_strdup(&r->arena, low);
}

void engine_language(const engine_t *e, engine_result_t *r)
{
    size_t words = 0;
    double conf = 0;
    const char *g = given_lang(r);
    int li = stopword_vote(e, r, &words, &conf);
    if (g != NULL) {
        r->lang = g;
        r->lang_confidence = 1.0;
    } else if (words < ENGINE_LANG_MIN_WORDS && r->chars < ENGINE_LANG_MIN_CHARS) {
        r->lang = "unknown";
        r->lang_confidence = 0;
    } else if (li >= 0) {
        r->lang = e->data->langs[li];
        r->lang_confidence = conf;
    } else {
        const char *name = textcat_vote(e, r, words, &conf);
        r->lang = name ? name : "unknown";
        r->lang_confidence = name ? conf : 0;
    }
    r->english = strcmp(r->lang, "en") == 0 || strcmp(r->lang, "unknown") == 0;
    if (strcmp(r->lang, "unknown") == 0) {
        engine_warn(r, "language_unknown");
    } else if (!r->english) {
        engine_warn(r, "english_stages_skipped");
    }
}
