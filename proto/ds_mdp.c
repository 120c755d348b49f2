/* ds_mdp.c: see ds_mdp.h. */
#include "ds_mdp.h"

#include <string.h>

const char *ds_mdpw_command_name(int command)
{
    static const char *const names[] = {"?", "READY", "REQUEST", "REPLY", "HEARTBEAT", "DISCONNECT"};
    return (command > 0 && command < MDPW_NCOMMANDS) ? names[command] : "?";
}

bool ds_frame_is(zframe_t *f, const char *s)
{
    size_t n = strlen(s);
    return f != NULL && zframe_size(f) == n && memcmp(zframe_data(f), s, n) == 0;
}

zmsg_t *ds_mdpw_msg(int command, const char *option, zmsg_t **body_p)
{
    zmsg_t *msg = (body_p && *body_p) ? *body_p : zmsg_new();
    if (body_p) {
        *body_p = NULL;
    }
    if (option) {
        zmsg_pushstr(msg, option);
    }
    uint8_t cmd = (uint8_t)command;
    zmsg_pushmem(msg, &cmd, 1);
    zmsg_pushstr(msg, MDPW_WORKER);
    zmsg_pushmem(msg, "", 0);
    return msg;
}
