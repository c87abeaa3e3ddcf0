/* cmd_list.c — placeholder until implemented (returns an internal error). */
#include "cmd_common.h"

int cmd_list(l4r_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    l4r_msg_error("'list' is not implemented yet");
    return 1;
}
