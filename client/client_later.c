/* client_later.c: commands whose implementation is on its way (search, watch, dlq). */
#include "client.h"

int client_cmd_search(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    client_error("not implemented yet");
    return EX_UNAVAILABLE;
}

int client_cmd_watch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    client_error("not implemented yet");
    return EX_UNAVAILABLE;
}

int client_cmd_dlq(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    client_error("not implemented yet");
    return EX_UNAVAILABLE;
}
