/* cmd_fetch.c — placeholder until implemented (returns an internal error). */
#include "cmd_common.h"

int cmd_fetch(l4r_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    l4r_msg_error("'fetch' is not implemented yet");
    return 1;
}
