/* ds_log.h: one logger for every binary.
 *
 * One line per event on stderr: "2026-11-27T20:34:33.123Z level=info msg=... key=value".
 * Levels are syslog's; lines below the threshold are filtered before formatting.
 * Libraries (lib/, proto/, the engine) never log: they return codes and fill errstr.
 */
#ifndef DS_LOG_H
#define DS_LOG_H

#include <stdbool.h>

enum { DS_LOG_ERR = 3, DS_LOG_WARNING = 4, DS_LOG_NOTICE = 5, DS_LOG_INFO = 6, DS_LOG_DEBUG = 7 };

void ds_log_set_level(int level);
int ds_log_level(void);
/* Parses "err", "warning", "notice", "info", "debug"; returns -1 when unknown. */
int ds_log_parse_level(const char *name);
/* Sets the program name printed in every line. */
void ds_log_set_ident(const char *ident);
/* Reopens stderr on path (SIGHUP log rotation); path NULL keeps stderr. Returns 0 or DS_EIO. */
int ds_log_reopen(const char *path);

void ds_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ds_log_enabled(level) ((level) <= ds_log_level())

#endif
