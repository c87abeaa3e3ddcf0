/*
 * curl_api.c — libcurl on demand.  Linking libcurl made every command load it and its
 * dependencies (TLS, Kerberos, LDAP, SSH, IDN, ...): about 10 ms of a 34 ms `convert` start-up on
 * the bench machine, for a library only `fetch` uses.  The few functions download.c calls are looked
 * up here instead, once, on the first download.
 */
#include "fetch/curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The table plus curl_global_init, which is called here once and nowhere else. */
typedef struct loaded_api {
    l4r_curl_api pub;
    CURLcode (*global_init)(long flags);
} loaded_api;
static loaded_api api;
static bool api_ok;
static char api_why[512];
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static const struct {
    const char *name;
    size_t off;
} api_syms[] = {
    {"curl_easy_init", offsetof(loaded_api, pub.easy_init)},
    {"curl_easy_reset", offsetof(loaded_api, pub.easy_reset)},
    {"curl_easy_setopt", offsetof(loaded_api, pub.easy_setopt)},
    {"curl_easy_perform", offsetof(loaded_api, pub.easy_perform)},
    {"curl_easy_getinfo", offsetof(loaded_api, pub.easy_getinfo)},
    {"curl_easy_strerror", offsetof(loaded_api, pub.easy_strerror)},
    {"curl_easy_cleanup", offsetof(loaded_api, pub.easy_cleanup)},
    {"curl_global_init", offsetof(loaded_api, global_init)},
};

static void api_load(void)
{
    const char *so = getenv("LLM4REC_LIBCURL");
    if (!so || !*so)
        so = L4R_LIBCURL_SONAME;
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(api_why, sizeof api_why, "%s", why ? why : so);
        return;
    }
    for (size_t i = 0; i < sizeof api_syms / sizeof api_syms[0]; i++) {
        void *f = dlsym(h, api_syms[i].name);
        if (!f) {
            snprintf(api_why, sizeof api_why, "%s has no %s", so, api_syms[i].name);
            dlclose(h);
            return;
        }
        /* POSIX guarantees that dlsym's object pointer holds a function pointer. */
        memcpy((char *)&api + api_syms[i].off, &f, sizeof f);
    }
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(api_why, sizeof api_why, "curl_global_init failed in %s", so);
        return; /* not closed: libcurl may have started threads or registered handlers */
    }
    api_ok = true;
}

const l4r_curl_api *l4r_curl_api_get(l4r_error *e)
{
    pthread_once(&api_once, api_load);
    if (!api_ok) {
        l4r_err(e, L4R_EIO,
                "downloading needs libcurl, which could not be loaded (%s); install it (Debian/Ubuntu: "
                "apt-get install libcurl4) or set LLM4REC_LIBCURL to its path",
                api_why);
        return NULL;
    }
    return &api.pub;
}
