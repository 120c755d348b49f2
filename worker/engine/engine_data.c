/* engine_data.c: loads the engine's data files once per process.
 *
 * Everything lives under data_dir/engine/ (see data/README for each file's source
 * and licence).  Loading builds compact in-memory tables; analysing a document
 * never parses a data file.
 */
#include "engine_internal.h"

#include "ds_mem.h"

#include <stdlib.h>

struct engine_data {
    int unused;
};

int engine_data_load(engine_t *e, char *errstr, size_t errlen)
{
    (void)errstr;
    (void)errlen;
    e->data = ds_xcalloc(1, sizeof *e->data);
    return 0;
}

void engine_data_free(engine_t *e)
{
    free(e->data);
    e->data = NULL;
}
