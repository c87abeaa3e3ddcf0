/*
 * llm4rec_data.h — the one public header of libllm4rec_data.
 *
 * The library fetches the public datasets of LLM-for-recommendation research (described by
 * recipes/NAME.json), verifies and unpacks them, and converts them into one common
 * user-item-interaction format (docs/FORMAT.md).  The command-line tool `llm4rec-data` is a thin
 * layer over this header; the test suite links the same static library.
 *
 * Conventions (see docs/DESIGN.md):
 *  - every fallible function returns an l4r_status (0 = L4R_OK) and, on failure, fills the
 *    caller-owned l4r_error with a message naming the file, line and field;
 *  - library code never prints; only the command layer talks to the user;
 *  - out-of-memory aborts the process with a message; sizes that come from input are capped.
 */
#ifndef LLM4REC_DATA_H
#define LLM4REC_DATA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  The command line maps each to a documented exit code (l4r_exit_code()). */
typedef enum l4r_status {
    L4R_OK = 0,
    L4R_EUSAGE,    /* bad command line or option value */
    L4R_ENETWORK,  /* download failed (DNS, connect, HTTP error, timeout, retries exhausted) */
    L4R_ECHECKSUM, /* size or digest of a file differs from the recipe */
    L4R_EARCHIVE,  /* archive or compressed stream is corrupt, truncated or unsafe */
    L4R_ERECIPE,   /* recipe missing, invalid, or no such dataset/variant */
    L4R_EPARSE,    /* malformed input record */
    L4R_EIO,       /* local file system error */
    L4R_EMANUAL,   /* gated dataset: the user must download it by hand (--from) */
    L4R_ELOCKED,   /* another process holds the dataset lock */
    L4R_EINTR,     /* interrupted by a signal */
    L4R_EINTERNAL, /* a bug */
    L4R_STATUS_MAX
} l4r_status;

/* A caller-owned error.  `status` repeats the returned code; `msg` is one line, lower case, with
 * no trailing full stop and no "llm4rec-data: " prefix. */
typedef struct l4r_error {
    l4r_status status;
    char msg[1024];
} l4r_error;

/* Static description of a status ("network error", ...).  Never NULL. */
const char *l4r_strerror(l4r_status st);

/* The process exit code for a status (the table in README.md and docs/MANUAL.md). */
int l4r_exit_code(l4r_status st);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *l4r_version(void);

/* Set by a signal handler to ask long-running loops to stop; they return L4R_EINTR. */
extern volatile int l4r_interrupted;

#ifdef __cplusplus
}
#endif
#endif
