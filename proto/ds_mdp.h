/* ds_mdp.h: Majordomo Protocol v0.1 (ZeroMQ RFC 7/MDP) constants and framing helpers,
 * shared by the broker, the worker and the client library so they cannot disagree.
 *
 * Client request  (client -> broker):  ""  "MDPC01"  service  body
 * Client reply    (broker -> client):  ""  "MDPC01"  service  body
 * Worker commands (worker <-> broker): ""  "MDPW01"  command  ...
 *   READY      0x01  service
 *   REQUEST    0x02  client-address  ""  body
 *   REPLY      0x03  client-address  ""  body
 *   HEARTBEAT  0x04
 *   DISCONNECT 0x05
 * On a ROUTER socket every message is preceded by the peer's identity frame.
 */
#ifndef DS_MDP_H
#define DS_MDP_H

#include <czmq.h>
#include <stdbool.h>

#define MDPC_CLIENT "MDPC01"
#define MDPW_WORKER "MDPW01"

enum {
    MDPW_READY = 1,
    MDPW_REQUEST = 2,
    MDPW_REPLY = 3,
    MDPW_HEARTBEAT = 4,
    MDPW_DISCONNECT = 5,
    MDPW_NCOMMANDS = 6
};

#define DS_HEARTBEAT_MS_DEFAULT 2500
#define DS_HEARTBEAT_LIVENESS 3

/* Service names (SPEC.md §3). */
#define DS_SVC_SUBMIT "dossier.submit"
#define DS_SVC_ANALYZE "dossier.analyze"
#define DS_SVC_STATUS "dossier.status"
#define DS_SVC_STATS "dossier.stats"
#define DS_SVC_DLQ "dossier.dlq"
#define DS_SVC_MMI "mmi.service"

const char *ds_mdpw_command_name(int command);

/* true when the frame holds exactly the given string */
bool ds_frame_is(zframe_t *f, const char *s);

/* Builds a worker command message ("" MDPW01 command [option] [body...]): takes
 * ownership of *body_p (may be NULL) and prepends, in order, option (may be NULL).
 * Returns the message; caller owns it. */
zmsg_t *ds_mdpw_msg(int command, const char *option, zmsg_t **body_p);

#endif
