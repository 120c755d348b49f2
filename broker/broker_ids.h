/* broker_ids.h: document ids the broker assigns when a producer sends none
 * (pure: wall time and randomness passed in).
 *
 * Model: a ULID (26 characters of Crockford base32: 48 bits of Unix milliseconds then
 * 80 random bits).  Ids sort by time as strings; within one millisecond, or when the
 * clock steps back, the previous random part is incremented so ids issued by one
 * process are strictly increasing.  Across restarts uniqueness rests on the 80 random
 * bits (and the caller still checks the journal).  All characters are valid in a
 * Dossier id.
 */
#ifndef BROKER_IDS_H
#define BROKER_IDS_H

#include <stdint.h>

#define BROKER_ID_LEN 26
#define BROKER_ID_RAND_BYTES 10

typedef struct {
    int64_t last_ms;
    uint8_t last_rand[BROKER_ID_RAND_BYTES];
} broker_ids_t;

void broker_ids_init(broker_ids_t *g);
/* Writes the next id (NUL-terminated) into out. */
void broker_ids_next(broker_ids_t *g, int64_t wall_ms, const uint8_t fresh[BROKER_ID_RAND_BYTES],
                     char out[BROKER_ID_LEN + 1]);

#endif
