/* engine_events.h: who did what to whom: events coded with CAMEO codes.
 *
 * Model: a verb-pattern lexicon (data/engine/events.tsv: CAMEO code, action name,
 * slots of word forms with optional gaps) is matched at every word token.  A match
 * is an event when it is a finite verb phrase of a reported fact: not preceded by a
 * negation ("did not attack"), a modal ("may attack"), "to" ("threatened to
 * attack": the threat is the event) or a determiner ("the attack"), and not inside
 * a quotation.  Its actors are the named entities (people, organisations,
 * nationalities, countries) of the same sentence: the source is the nearest one
 * before the trigger, the target the first one after it (before a clause break); a
 * nationality directly before a person or organisation ("Iraqi Foreign Minister
 * Zebari") gives way to it; "X and Y met" makes Y the target when nothing follows;
 * a passive ("was attacked by X") swaps the two.  An event needs at least one actor.
 *
 * Pure: the lexicon is loaded once (engine_events_load) and read-only afterwards;
 * engine_events_find allocates its output in the caller's arena.
 */
#ifndef ENGINE_EVENTS_H
#define ENGINE_EVENTS_H

#include "ds_json.h"
#include "engine_arena.h"
#include "engine_text.h"

#include <stddef.h>
#include <stdint.h>

typedef struct engine_events_lex engine_events_lex_t;

/* An actor mention: a named entity's span and what it stands for. */
typedef struct {
    uint32_t start, end; /* byte span in the text */
    const char *name;    /* canonical name */
    const char *country; /* ISO 3166-1 alpha-2 or "" */
    uint8_t weak;        /* a nationality or other modifier ("Iraqi"): gives way to a
                            person or organisation right after it */
} engine_actor_t;

typedef struct {
    const char *source, *source_country; /* NULL / "" when unknown */
    const char *target, *target_country;
    const char *action;  /* "impose sanctions" */
    const char *code;    /* CAMEO code, "163" */
    uint32_t sentence;   /* index of its sentence */
    uint32_t start, end; /* the trigger's byte span (first slot .. last slot) */
} engine_event_t;

/* Loads path (events.tsv).  Returns the lexicon, or NULL with errstr (missing file,
 * or a line that is not CODE<TAB>ACTION<TAB>PATTERN, named by its number). */
engine_events_lex_t *engine_events_load(const char *path, char *errstr, size_t errlen);
void engine_events_free(engine_events_lex_t **self_p);
/* Calls fn with every form that can start a pattern (for a per-word flag). */
void engine_events_triggers(const engine_events_lex_t *lex, void (*fn)(void *ctx, const char *form),
                            void *ctx);

/* Finds the events of doc.  actors: n_actors mentions sorted by start, not
 * overlapping; quotes: n_quotes [start, end) byte spans of quoted text; maybe: per
 * token, nonzero when it may start a pattern (a word engine_events_triggers named),
 * or NULL to test every word.  Returns the number of events written to *out
 * (allocated in arena, document order). */
size_t engine_events_find(const engine_events_lex_t *lex, const engine_doc_t *doc,
                          const engine_actor_t *actors, size_t n_actors, const uint32_t *quotes,
                          size_t n_quotes, const uint8_t *maybe, engine_arena_t *arena, engine_event_t **out);

/* Writes the "events" key and its array into an open JSON object. */
void engine_events_json(const engine_event_t *ev, size_t n, ds_json_t *j);

#endif
