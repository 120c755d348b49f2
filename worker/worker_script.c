/* worker_script.c: the store script and its argument builders; see worker_script.h
 * and proto/SPEC.md section 8, which documents every key and field written here.
 *
 * Argument layout (EVALSHA sha numkeys KEYS... ARGV...):
 *   KEYS[1] {p}:doc:{id}  KEYS[2] {p}:results  KEYS[3] {p}:dead
 *   done: with dedup KEYS[4] {p}:simhash:exact and KEYS[5..4+nb] {p}:simhash:{band}:{hex4};
 *         then nidx index sorted sets;
 *         ARGV "done" id maxlen ttl score simhash nb nidx field value ...
 * Near-duplicates: an identical SimHash is found in the exact hash with one HGET;
 * otherwise the members of the document's 4 band buckets are compared (Hamming
 * distance).  Buckets stop growing at WORKER_SIMHASH_BUCKET_MAX members, so a cluster
 * of similar documents (a syndicated story, a benchmark sending one article) costs a
 * bounded scan, not one that grows with the corpus.
 *   dead: ARGV "dead" id maxlen ttl error code attempts dead_at digest
 * Every key the script touches is in KEYS, so it would also run in a cluster slot
 * if the prefix carried a hash tag.
 *   many: ARGV "many" n, then (nkeys nargs) of each document, then each document's
 *         ARGV in turn; KEYS are each document's KEYS in turn.  Returns an array of
 *         the n documents' answers (worker_redis.c builds it from n argument vectors:
 *         one script call per batch instead of one per document).  The index
 *         members of the batch are added at the end, one ZADD per distinct key.
 */
#include "worker_script.h"

#include "ds_clock.h"
#include "ds_mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_STR_(x) #x
#define WORKER_STR(x) WORKER_STR_(x)

/* clang-format off */
const char worker_script_lua[] =
    "-- dossier-worker store script, see proto/SPEC.md section 8\n"
    "local function pop(x)\n"
    "  local c = 0\n"
    "  while x ~= 0 do x = bit.band(x, x - 1); c = c + 1 end\n"
    "  return c\n"
    "end\n"
    "local function xadd(maxlen, key, ...)\n"
    "  if maxlen > 0 then return redis.call('XADD', key, 'MAXLEN', '~', maxlen, '*', ...) end\n"
    "  return redis.call('XADD', key, '*', ...)\n"
    "end\n"
    "-- index members: added at once per key after the documents of a 'many' call\n"
    "local zbuf, zkeys = nil, {}\n"
    "local function zadd(key, score, id)\n"
    "  if not zbuf then return redis.call('ZADD', key, score, id) end\n"
    "  local t = zbuf[key]\n"
    "  if not t then t = {}; zbuf[key] = t; zkeys[#zkeys + 1] = key end\n"
    "  t[#t + 1] = score; t[#t + 1] = id\n"
    "end\n"
    "-- one document: its KEYS are KEYS[k + 1 ..], its ARGV are ARGV[a + 1 .. a + na]\n"
    "local function store(k, a, na)\n"
    "  local doc, mode, id = KEYS[k + 1], ARGV[a + 1], ARGV[a + 2]\n"
    "  local prev = redis.call('HGET', doc, 'status')\n"
    "  if prev == 'done' or (mode == 'dead' and prev == 'dead') then\n"
    "    return {0, prev, redis.call('HGET', doc, 'duplicate_of') or ''}\n"
    "  end\n"
    "  local maxlen, ttl = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])\n"
    "  if mode == 'dead' then\n"
    "    local err, code, att = ARGV[a + 5], ARGV[a + 6], ARGV[a + 7]\n"
    "    redis.call('HSET', doc, 'id', id, 'status', 'dead', 'error', err, 'code', code,\n"
    "               'attempts', att, 'dead_at', ARGV[a + 8])\n"
    "    if ARGV[a + 9] ~= '' then redis.call('HSET', doc, 'digest', ARGV[a + 9]) end\n"
    "    xadd(maxlen, KEYS[k + 3], 'id', id, 'error', err, 'attempts', att, 'code', code)\n"
    "    xadd(maxlen, KEYS[k + 2], 'id', id, 'status', 'dead')\n"
    "    if ttl > 0 then redis.call('EXPIRE', doc, ttl) end\n"
    "    return {1, 'dead', ''}\n"
    "  end\n"
    "  local score, sim, nb, ni = ARGV[a + 5], ARGV[a + 6], tonumber(ARGV[a + 7]), tonumber(ARGV[a + 8])\n"
    "  local base = k + 3 + (nb > 0 and nb + 1 or 0)\n"
    "  local dup, best = '', 99\n"
    "  if nb > 0 then\n"
    "    local first = redis.call('HGET', KEYS[k + 4], sim)\n"
    "    if first and first ~= id then dup, best = first, 0 else\n"
    "      local hi, lo = tonumber(sim:sub(1, 8), 16), tonumber(sim:sub(9, 16), 16)\n"
    "      for b = 1, nb do\n"
    "        for _, m in ipairs(redis.call('SMEMBERS', KEYS[k + 4 + b])) do\n"
    "          local mid = m:sub(18)\n"
    "          local h, l = tonumber(m:sub(1, 8), 16), tonumber(m:sub(9, 16), 16)\n"
    "          if mid ~= id and h and l then\n"
    "            local d = pop(bit.bxor(hi, h)) + pop(bit.bxor(lo, l))\n"
    "            if d < best or (d == best and mid < dup) then dup, best = mid, d end\n"
    "          end\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    if best > " WORKER_STR(WORKER_SIMHASH_MAX_DIST) " then dup = '' end\n"
    "  end\n"
    "  redis.call('HSET', doc, unpack(ARGV, a + 9, a + na))\n"
    "  if dup ~= '' then redis.call('HSET', doc, 'duplicate_of', dup) end\n"
    "  if prev then redis.call('HDEL', doc, 'error', 'code', 'dead_at') end\n"
    "  if nb > 0 then\n"
    "    redis.call('HSETNX', KEYS[k + 4], sim, id)\n"
    "    for b = 1, nb do\n"
    "      if redis.call('SCARD', KEYS[k + 4 + b]) < " WORKER_STR(WORKER_SIMHASH_BUCKET_MAX) " then\n"
    "        redis.call('SADD', KEYS[k + 4 + b], sim .. ':' .. id)\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  for i = 1, ni do zadd(KEYS[base + i], score, id) end\n"
    "  xadd(maxlen, KEYS[k + 2], 'id', id, 'status', 'done')\n"
    "  if ttl > 0 then redis.call('EXPIRE', doc, ttl) end\n"
    "  return {1, 'done', dup}\n"
    "end\n"
    "if ARGV[1] ~= 'many' then return store(0, 0, #ARGV) end\n"
    "-- several documents in one call: ARGV 'many' n (nkeys nargs) x n, then each\n"
    "-- document's ARGV in turn; KEYS each document's KEYS in turn\n"
    "local n, out, k, a = tonumber(ARGV[2]), {}, 0, 2 + 2 * tonumber(ARGV[2])\n"
    "zbuf = {}\n"
    "for i = 1, n do\n"
    "  local nk, na = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])\n"
    "  out[i] = store(k, a, na)\n"
    "  k, a = k + nk, a + na\n"
    "end\n"
    "-- one ZADD per index key for the whole batch (a key shared by several documents\n"
    "-- of the batch, a country or a theme, costs one call, not one per document)\n"
    "for _, key in ipairs(zkeys) do redis.call('ZADD', key, unpack(zbuf[key])) end\n"
    "return out\n";
/* clang-format on */

/* ---- the argument vector ----------------------------------------------------- */

void worker_args_init(worker_args_t *a)
{
    memset(a, 0, sizeof *a);
}

void worker_args_free(worker_args_t *a)
{
    ds_buf_free(&a->bytes);
    free(a->off);
    free(a->len);
    free(a->argv);
    memset(a, 0, sizeof *a);
}

void worker_args_reset(worker_args_t *a)
{
    ds_buf_reset(&a->bytes);
    a->n = 0;
}

/* Records bytes[off..len) as the next argument. */
static void push_since(worker_args_t *a, size_t off)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->off = ds_xrealloc(a->off, a->cap * sizeof *a->off);
        a->len = ds_xrealloc(a->len, a->cap * sizeof *a->len);
        a->argv = ds_xrealloc(a->argv, a->cap * sizeof *a->argv);
    }
    a->off[a->n] = off;
    a->len[a->n] = a->bytes.len - off;
    a->n++;
}

void worker_args_add(worker_args_t *a, const char *p, size_t n)
{
    size_t off = a->bytes.len;
    ds_buf_append(&a->bytes, p, n);
    push_since(a, off);
}

void worker_args_adds(worker_args_t *a, const char *s)
{
    worker_args_add(a, s, strlen(s));
}

/* Decimal digits without printf: several integers per document. */
void worker_args_addi(worker_args_t *a, int64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        tmp[--i] = '-';
    }
    worker_args_add(a, tmp + i, sizeof tmp - i);
}

/* Appends prefix + ":" + rest (+ tail when not NULL) as one argument: the key names
 * of every document, built without printf. */
static void add_key(worker_args_t *a, const char *prefix, const char *rest, const char *tail)
{
    size_t off = a->bytes.len;
    ds_buf_append(&a->bytes, prefix, strlen(prefix));
    ds_buf_append(&a->bytes, rest, strlen(rest));
    if (tail) {
        ds_buf_append(&a->bytes, tail, strlen(tail));
    }
    push_since(a, off);
}

const char **worker_args_argv(worker_args_t *a)
{
    for (size_t i = 0; i < a->n; i++) {
        a->argv[i] = a->bytes.data + a->off[i];
    }
    return a->argv;
}

void worker_args_set_sha(worker_args_t *a, const char *sha)
{
    /* the SHA is always 40 hex digits, so it is rewritten in place */
    if (a->n > 1 && a->len[1] == strlen(sha)) {
        memcpy(a->bytes.data + a->off[1], sha, a->len[1]);
    }
}

/* ---- builders ------------------------------------------------------------------ */

/* EVALSHA sha numkeys doc results dead: the common head. */
static void head(worker_args_t *a, const char *sha, const worker_store_t *st, const char *id, size_t nkeys)
{
    worker_args_reset(a);
    worker_args_adds(a, "EVALSHA");
    worker_args_adds(a, sha);
    worker_args_addi(a, (int64_t)nkeys);
    add_key(a, st->prefix, ":doc:", id);
    add_key(a, st->prefix, ":results", NULL);
    add_key(a, st->prefix, ":dead", NULL);
}

/* Appends the index keys of a summary to a (NULL: only counts them), at most
 * WORKER_MAX_INDEX_KEYS; returns how many. */
static size_t each_index(worker_args_t *a, const worker_store_t *st, const engine_summary_t *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_entities && n < WORKER_MAX_INDEX_KEYS; i++) {
        const engine_entity_key_t *e = &s->entities[i];
        if (e->type && e->norm && *e->type && *e->norm) {
            if (a) {
                size_t off = a->bytes.len;
                ds_buf_printf(&a->bytes, "%s:idx:entity:%s:%s", st->prefix, e->type, e->norm);
                push_since(a, off);
            }
            n++;
        }
    }
    const struct {
        const char *kind;
        const char *const *v;
        size_t n;
    } lists[] = {{"country", s->countries, s->n_countries}, {"theme", s->themes, s->n_themes}};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l].n && n < WORKER_MAX_INDEX_KEYS; i++) {
            if (lists[l].v[i] && *lists[l].v[i]) {
                if (a) {
                    size_t off = a->bytes.len;
                    ds_buf_printf(&a->bytes, "%s:idx:%s:%s", st->prefix, lists[l].kind, lists[l].v[i]);
                    push_since(a, off);
                }
                n++;
            }
        }
    }
    return n;
}

static void field(worker_args_t *a, const char *name, const char *value)
{
    worker_args_adds(a, name);
    worker_args_adds(a, value ? value : "");
}

static void done_fields(worker_args_t *a, const worker_done_t *d, const char *simhex)
{
    const engine_summary_t *s = d->sum;
    char iso[32];
    ds_iso8601(d->analyzed_ms, iso, sizeof iso);
    field(a, "id", d->id);
    field(a, "status", "done");
    field(a, "title", s->title);
    field(a, "published", s->published);
    field(a, "lang", s->lang);
    worker_args_adds(a, "words");
    worker_args_addi(a, s->words);
    worker_args_adds(a, "tone");
    size_t off = a->bytes.len;
    ds_buf_printf(&a->bytes, "%.6g", s->tone);
    push_since(a, off);
    field(a, "digest", d->digest);
    worker_args_adds(a, "attempts");
    worker_args_addi(a, d->attempts);
    field(a, "analyzed_at", iso);
    worker_args_adds(a, "result");
    worker_args_add(a, d->result, d->result_len);
    if (*simhex) {
        field(a, "simhash", simhex);
    }
}

void worker_script_done_args(worker_args_t *a, const char *sha, const worker_store_t *st,
                             const worker_done_t *d)
{
    char simhex[17] = "";
    if (st->dedup && d->sum->simhash != 0) {
        snprintf(simhex, sizeof simhex, "%016" PRIx64, d->sum->simhash);
    }
    size_t nb = *simhex ? WORKER_SIMHASH_BANDS : 0;
    size_t ni = each_index(NULL, st, d->sum);
    head(a, sha, st, d->id, 3 + (nb ? nb + 1 : 0) + ni);
    if (nb) {
        size_t off = a->bytes.len;
        ds_buf_printf(&a->bytes, "%s:simhash:exact", st->prefix);
        push_since(a, off);
    }
    for (size_t b = 0; b < nb; b++) {
        size_t off = a->bytes.len;
        ds_buf_printf(&a->bytes, "%s:simhash:%zu:%.4s", st->prefix, b, simhex + 4 * b);
        push_since(a, off);
    }
    each_index(a, st, d->sum);
    worker_args_adds(a, "done");
    worker_args_adds(a, d->id);
    worker_args_addi(a, st->results_maxlen);
    worker_args_addi(a, st->ttl_s);
    worker_args_addi(a, d->sum->published_ms >= 0 ? d->sum->published_ms : d->analyzed_ms);
    worker_args_adds(a, simhex);
    worker_args_addi(a, (int64_t)nb);
    worker_args_addi(a, (int64_t)ni);
    done_fields(a, d, simhex);
}

void worker_script_dead_args(worker_args_t *a, const char *sha, const worker_store_t *st,
                             const worker_dead_t *d)
{
    char iso[32];
    ds_iso8601(d->at_ms, iso, sizeof iso);
    head(a, sha, st, d->id, 3);
    worker_args_adds(a, "dead");
    worker_args_adds(a, d->id);
    worker_args_addi(a, st->results_maxlen);
    worker_args_addi(a, st->ttl_s);
    worker_args_adds(a, d->error ? d->error : "");
    worker_args_adds(a, d->code ? d->code : "");
    worker_args_addi(a, d->attempts);
    worker_args_adds(a, iso);
    worker_args_adds(a, d->digest ? d->digest : "");
}
