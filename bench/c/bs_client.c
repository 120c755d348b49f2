/* bs_client.c: beanstalkd text protocol client: buffered TCP, pipelining-friendly.
 * See bs_client.h.  Protocol reference: beanstalkd's doc/protocol.txt
 * ("put <pri> <delay> <ttr> <bytes>\r\n<data>\r\n" -> "INSERTED <id>\r\n", "reserve\r\n" ->
 * "RESERVED <id> <bytes>\r\n<data>\r\n", "delete <id>\r\n" -> "DELETED\r\n").
 */
#include "bs_client.h"

#include "bench_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct bs_conn {
    int fd;
    char *out;
    size_t out_len, out_cap;
    char *in;
    size_t in_start, in_end, in_cap;
};

bs_conn_t *bs_connect(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        bu_die("bad address %s", host);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        bu_die("beanstalkd %s:%d: %s", host, port, strerror(errno));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    bs_conn_t *c = calloc(1, sizeof *c);
    c->fd = fd;
    c->out_cap = 1 << 16;
    c->out = malloc(c->out_cap);
    c->in_cap = 1 << 17;
    c->in = malloc(c->in_cap);
    if (!c->out || !c->in) {
        bu_die("out of memory");
    }
    return c;
}

void bs_destroy(bs_conn_t **self_p)
{
    if (self_p && *self_p) {
        close((*self_p)->fd);
        free((*self_p)->out);
        free((*self_p)->in);
        free(*self_p);
        *self_p = NULL;
    }
}

static void out_append(bs_conn_t *c, const char *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        while (c->out_len + n > c->out_cap) {
            c->out_cap *= 2;
        }
        char *bigger = realloc(c->out, c->out_cap);
        if (!bigger) {
            bu_die("out of memory");
        }
        c->out = bigger;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
}

void bs_put(bs_conn_t *c, const char *head, size_t head_len, const char *tail, size_t tail_len, int ttr_s)
{
    char cmd[64];
    int n = snprintf(cmd, sizeof cmd, "put 0 0 %d %zu\r\n", ttr_s, head_len + tail_len);
    out_append(c, cmd, (size_t)n);
    out_append(c, head, head_len);
    out_append(c, tail, tail_len);
    out_append(c, "\r\n", 2);
}

void bs_reserve(bs_conn_t *c)
{
    out_append(c, "reserve\r\n", 9);
}

void bs_delete(bs_conn_t *c, uint64_t job)
{
    char cmd[48];
    int n = snprintf(cmd, sizeof cmd, "delete %llu\r\n", (unsigned long long)job);
    out_append(c, cmd, (size_t)n);
}

void bs_flush(bs_conn_t *c)
{
    size_t off = 0;
    while (off < c->out_len) {
        ssize_t w = write(c->fd, c->out + off, c->out_len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            bu_die("beanstalkd write: %s", strerror(errno));
        }
        off += (size_t)w;
    }
    c->out_len = 0;
}

/* Makes sure at least `need` unread bytes are buffered. */
static void fill(bs_conn_t *c, size_t need)
{
    if (c->in_end - c->in_start >= need) {
        return;
    }
    if (c->in_start > 0) {
        memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
        c->in_end -= c->in_start;
        c->in_start = 0;
    }
    while (need > c->in_cap) {
        c->in_cap *= 2;
        char *bigger = realloc(c->in, c->in_cap);
        if (!bigger) {
            bu_die("out of memory");
        }
        c->in = bigger;
    }
    while (c->in_end < need) {
        ssize_t r = read(c->fd, c->in + c->in_end, c->in_cap - c->in_end);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            bu_die("beanstalkd read: %s", r == 0 ? "connection closed" : strerror(errno));
        }
        c->in_end += (size_t)r;
    }
}

size_t bs_read_line(bs_conn_t *c, char *line, size_t cap)
{
    for (size_t scanned = 0;;) {
        char *start = c->in + c->in_start;
        size_t avail = c->in_end - c->in_start;
        char *crlf = avail > 1 ? memmem(start + scanned, avail - scanned, "\r\n", 2) : NULL;
        if (crlf) {
            size_t n = (size_t)(crlf - start);
            if (n >= cap) {
                bu_die("beanstalkd reply line too long");
            }
            memcpy(line, start, n);
            line[n] = '\0';
            c->in_start += n + 2;
            return n;
        }
        scanned = avail > 0 ? avail - 1 : 0;
        fill(c, avail + 1);
    }
}

void bs_read_reserved(bs_conn_t *c, uint64_t *job, const char **body, size_t *len)
{
    char line[128];
    bs_read_line(c, line, sizeof line);
    unsigned long long id;
    size_t bytes;
    if (sscanf(line, "RESERVED %llu %zu", &id, &bytes) != 2) {
        bu_die("beanstalkd: expected RESERVED, got '%s'", line);
    }
    fill(c, bytes + 2);
    *job = id;
    *body = c->in + c->in_start;
    *len = bytes;
    c->in_start += bytes + 2;
}
