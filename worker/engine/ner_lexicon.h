/* ner_lexicon.h: derives the tagger's lexicon (data/ner/lexicon.tsv) from the GMB
 * train split, for the trainer (tools/ner_train.c); the runtime only reads the file
 * (ner_gaz_load_lexicon).
 *
 * Lines are "class<TAB>phrase": given names and surnames (first and last words of
 * person spans), organisation names, and words written in lowercase most of the time.
 * The trainer also writes one lexicon per fold without that fold's sentences, so the
 * model learns how far an entry can be trusted on unseen text.
 */
#ifndef NER_LEXICON_H
#define NER_LEXICON_H

#include "ner_corpus.h"

#include <stddef.h>

/* Writes to path the lexicon of sentences [0, nsent) of c except [skip_from, skip_to);
 * kept[4] receives how many given names, surnames, organisations and lowercase words
 * it holds.  Returns 0 or DS_EIO. */
int ner_lexicon_write(const ner_corpus_t *c, size_t nsent, size_t skip_from, size_t skip_to, const char *path,
                      size_t kept[4]);

#endif
