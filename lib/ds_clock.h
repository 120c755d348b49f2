/* ds_clock.h: time in milliseconds.  Deadlines use the monotonic clock; timestamps
 * written for people use the wall clock.  Tests may replace either (fault seam). */
#ifndef DS_CLOCK_H
#define DS_CLOCK_H

#include <stdint.h>

typedef int64_t (*ds_clock_fn)(void);

int64_t ds_now_ms(void);  /* monotonic */
int64_t ds_wall_ms(void); /* Unix epoch */
int64_t ds_now_us(void);  /* monotonic, microseconds */

/* Test seam: replace the clocks (NULL restores the real ones). */
void ds_clock_set(ds_clock_fn mono_ms, ds_clock_fn wall_ms);

/* Formats a Unix-epoch millisecond time as ISO 8601 UTC ("2026-11-27T20:34:33.123Z"); buf >= 25 bytes. */
void ds_iso8601(int64_t wall_ms, char *buf, unsigned long buflen);

#endif
