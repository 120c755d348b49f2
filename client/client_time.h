/* client_time.h: times people type on the command line (--since, --until) and dates
 * shown to them.  All times are Unix epoch milliseconds, UTC. */
#ifndef CLIENT_TIME_H
#define CLIENT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses "2007-05-28", "2007-05-28T14:30[:00][Z]", a duration back from now_ms
 * ("90m", "24h", "7d", "2w"), or epoch milliseconds ("1180310400000").  A bare date
 * means its start, or with end_of_day its last millisecond.  Returns 0 or -1. */
int client_parse_time(const char *s, int64_t now_ms, bool end_of_day, int64_t *out_ms);

/* "YYYY-MM-DD" of an epoch-ms time into buf (>= 11 bytes). */
void client_format_date(int64_t ms, char *buf, size_t len);

#endif
