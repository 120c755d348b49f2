/* bs_client.h: a small client for beanstalkd's text protocol over TCP (put, reserve,
 * delete), enough for the peer benchmark and no more.
 *
 * Model: one buffered connection.  Commands are appended to an output buffer and sent
 * by bs_flush(), so a caller can pipeline (beanstalkd answers in order); replies are
 * read from an input buffer one line (plus, for RESERVED, one body) at a time.
 * Used by bs_producer.c and bs_worker.c.  Errors exit: it is a measuring tool.
 */
#ifndef BS_CLIENT_H
#define BS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bs_conn bs_conn_t;

bs_conn_t *bs_connect(const char *host, int port);
void bs_destroy(bs_conn_t **self_p);

/* Appends "put 0 0 ttr_s bytes" with the body head+tail (two parts, no copy by the caller). */
void bs_put(bs_conn_t *c, const char *head, size_t head_len, const char *tail, size_t tail_len, int ttr_s);
void bs_reserve(bs_conn_t *c);
void bs_delete(bs_conn_t *c, uint64_t job);
void bs_flush(bs_conn_t *c);

/* Reads one reply line (without CRLF) into line; returns its length. */
size_t bs_read_line(bs_conn_t *c, char *line, size_t cap);
/* Reads a RESERVED reply: the job id and its body (borrowed until the next read). */
void bs_read_reserved(bs_conn_t *c, uint64_t *job, const char **body, size_t *len);

#endif
