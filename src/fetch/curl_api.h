/*
 * curl_api.h — the libcurl functions llm4rec-data calls, loaded with dlopen when the first
 * download starts, so that no other command pays for loading libcurl and the two dozen libraries
 * it links (docs/DESIGN.md, "Start-up").
 */
#ifndef L4R_CURL_API_H
#define L4R_CURL_API_H

#include <curl/curl.h>

#include "llm4rec_data.h"

/* The shared object opened when LLM4REC_LIBCURL does not name another. */
#define L4R_LIBCURL_SONAME "libcurl.so.4"

typedef struct l4r_curl_api {
    CURL *(*easy_init)(void);
    void (*easy_reset)(CURL *c);
    CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
    CURLcode (*easy_perform)(CURL *c);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode rc);
    void (*easy_cleanup)(CURL *c);
} l4r_curl_api;

/* libcurl, loaded and globally initialised on the first call (thread-safe); NULL with an L4R_EIO
 * error that says how to install it when it cannot be loaded. */
const l4r_curl_api *l4r_curl_api_get(l4r_error *e);

#endif
