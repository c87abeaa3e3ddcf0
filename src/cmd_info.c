/* cmd_info.c — placeholder until implemented (returns an internal error). */
#include "cmd_common.h"

int cmd_info(l4r_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    l4r_msg_error("'info' is not implemented yet");
    return 1;
}
