/* The public WASI API (wisp_wasi_config_*, wisp_store_add_wasi): collects what
 * the embedder grants (arguments, environment, preopened directories and
 * sockets, stdio, trace), builds the guest's WASI context from it, and
 * defines every function of the generated import table in a store, each as
 * a host function that hands the raw wasm arguments to its generated glue. */
#define _GNU_SOURCE /* sigabbrev_np */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "wasi/wasi.h"
#include "wasi_glue.h"

struct wisp_wasi_config {
    char **args;
    uint32_t argc, args_cap;
    char **env;
    uint32_t envc, env_cap;
    struct wasi_preopen *pre;
    uint32_t npre, pre_cap;
    int stdio[3];
    FILE *trace;
};

/* What one defined WASI function needs at call time. */
struct api_wasi_func {
    struct api_wasi *wasi;
    const struct wasi_import *imp;
};

struct api_wasi {
    struct wasi_ctx *ctx;
    struct wasi_trace trace;
    struct api_wasi_func funcs[WASI_IMPORT_COUNT];
    /* The memory of the instance that called last: finding it by export
     * name on every call would cost more than most calls themselves. */
    const struct rt_instance *mem_inst;
    struct rt_memory *mem;
};

wisp_wasi_config *wisp_wasi_config_new(void)
{
    wisp_wasi_config *c = xcalloc(1, sizeof *c);
    c->stdio[0] = 0;
    c->stdio[1] = 1;
    c->stdio[2] = 2;
    return c;
}

void wisp_wasi_config_free(wisp_wasi_config *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->argc; i++)
        free(c->args[i]);
    free(c->args);
    for (uint32_t i = 0; i < c->envc; i++)
        free(c->env[i]);
    free(c->env);
    for (uint32_t i = 0; i < c->npre; i++) {
        close(c->pre[i].host);
        free(c->pre[i].guest);
    }
    free(c->pre);
    free(c);
}

bool wisp_wasi_config_push_arg(wisp_wasi_config *c, const char *arg)
{
    if (!arg)
        return false;
    VEC_GROW(c->args, c->argc, c->args_cap);
    c->args[c->argc++] = xstrndup(arg, strlen(arg));
    return true;
}

bool wisp_wasi_config_push_env(wisp_wasi_config *c, const char *name, const char *value,
                               wisp_error *err)
{
    if (!name || !value || !name[0] || strchr(name, '='))
        return err_set(err, WISP_ERR_LINK, -1,
                       "environment variable name \"%s\" must be non-empty and contain no '='",
                       name ? name : "(null)");
    size_t n = strlen(name), v = strlen(value);
    char *s = xmalloc(n + v + 2);
    memcpy(s, name, n);
    s[n] = '=';
    memcpy(s + n + 1, value, v + 1);
    /* A later definition replaces an earlier one, as in a shell. */
    for (uint32_t i = 0; i < c->envc; i++) {
        if (strncmp(c->env[i], s, n + 1) == 0) {
            free(c->env[i]);
            c->env[i] = s;
            return true;
        }
    }
    VEC_GROW(c->env, c->envc, c->env_cap);
    c->env[c->envc++] = s;
    return true;
}

static bool add_preopen(wisp_wasi_config *c, int host, const char *guest, bool read_only)
{
    VEC_GROW(c->pre, c->npre, c->pre_cap);
    struct wasi_preopen *p = &c->pre[c->npre++];
    p->host = host;
    p->guest = guest ? xstrndup(guest, strlen(guest)) : NULL;
    p->read_only = read_only;
    return true;
}

bool wisp_wasi_config_preopen_dir(wisp_wasi_config *c, const char *host_path, const char *guest_path,
                                  bool read_only, wisp_error *err)
{
    if (!host_path || !host_path[0])
        return err_set(err, WISP_ERR_IO, -1, "preopen: empty host directory");
    if (!guest_path)
        guest_path = host_path;
    if (!guest_path[0] || strlen(guest_path) > 4096)
        return err_set(err, WISP_ERR_IO, -1, "preopen %s: the guest name must be 1 to 4096 bytes",
                       host_path);
    int fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        err_set(err, WISP_ERR_IO, -1, "cannot preopen directory: %s", strerror(e));
        if (err)
            snprintf(err->source, sizeof err->source, "%s", host_path);
        return false;
    }
    return add_preopen(c, fd, guest_path, read_only);
}

bool wisp_wasi_config_preopen_socket(wisp_wasi_config *c, int host_fd, wisp_error *err)
{
    struct stat st;
    if (fstat(host_fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return err_set(err, WISP_ERR_IO, -1, "preopen socket: host fd %d is not an open socket", host_fd);
    int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return err_set(err, WISP_ERR_IO, -1, "preopen socket: %s", strerror(errno));
    return add_preopen(c, fd, NULL, false);
}

void wisp_wasi_config_set_stdio(wisp_wasi_config *c, int in, int out, int err_fd)
{
    c->stdio[0] = in;
    c->stdio[1] = out;
    c->stdio[2] = err_fd;
}

void wisp_wasi_config_set_trace(wisp_wasi_config *c, FILE *out)
{
    c->trace = out;
}

/* The caller's linear memory as WASI sees it: its export "memory" (the
 * preview1 convention), else its memory 0, else none (every pointer is then
 * out of bounds). */
static struct rt_memory *caller_memory(struct api_wasi *w, const struct rt_instance *inst)
{
    if (!inst)
        return NULL;
    if (inst == w->mem_inst)
        return w->mem;
    struct rt_memory *m = NULL;
    struct rt_extern ext;
    if (rt_instance_export(inst, "memory", 6, &ext) && ext.kind == EXT_MEMORY)
        m = ext.u.memory;
    else if (inst->module->nmemories)
        m = inst->memories[0];
    w->mem_inst = inst;
    w->mem = m;
    return m;
}

static const char *signal_name(int sig)
{
    const char *d = sigabbrev_np(sig);
    return d ? d : "?";
}

static bool wasi_host_call(struct rt_caller *caller, void *env, union slot *args_results)
{
    struct api_wasi_func *f = env;
    struct api_wasi *w = f->wasi;
    const struct wasi_import *imp = f->imp;
    struct rt_memory *m = caller_memory(w, caller->instance);
    struct wasi_guest_memory mem = {m ? m->data : NULL, m ? m->size : 0};

    /* Every preview1 parameter is an i32 or i64 and takes one slot. */
    uint64_t args[WASI_IMPORT_MAX_VALUES];
    for (uint32_t i = 0; i < imp->nparams; i++)
        args[i] = imp->params[i] == WASI_VALTYPE_I32 ? (uint64_t)args_results[i].i32 : args_results[i].i64;
    uint64_t ret = imp->glue(w->ctx, &mem, &w->trace, args);

    struct wasi_ctx *ctx = w->ctx;
    if (ctx->exit_requested)
        return rt_host_exit(caller, (int32_t)ctx->exit_code);
    if (ctx->raised_signal) {
        int sig = ctx->raised_signal;
        ctx->raised_signal = 0;
        rt_host_exit(caller, 128 + sig);
        snprintf(caller->store->trap_message, sizeof caller->store->trap_message,
                 "terminated by signal SIG%s (proc_raise)", signal_name(sig));
        return false;
    }
    if (imp->nresults) {
        /* An i32 result is stored zero-extended, as the interpreter does. */
        args_results[0].i64 = imp->results[0] == WASI_VALTYPE_I32 ? (uint32_t)ret : ret;
    }
    return true;
}

static void api_wasi_free(struct api_wasi *w)
{
    if (!w)
        return;
    wasi_ctx_free(w->ctx);
    free(w);
}

/* Define the WASI function `name` in store s as a host function that hands
 * the raw wasm arguments to its generated glue (rt_define_lazily). */
static bool define_wasi(struct rt_store *s, void *env, const struct name *module, const struct name *name)
{
    struct api_wasi *w = env;
    uint32_t i = 0;
    while (i < WASI_IMPORT_COUNT &&
           !(name_equals(name, wasi_import_table[i].name) && name_equals(module, wasi_import_table[i].module)))
        i++;
    if (i == WASI_IMPORT_COUNT)
        return false;
    const struct wasi_import *imp = &wasi_import_table[i];
    valtype_t types[WASI_IMPORT_MAX_VALUES];
    for (uint32_t k = 0; k < imp->nparams; k++)
        types[k] = (valtype_t)imp->params[k];
    for (uint32_t k = 0; k < imp->nresults; k++)
        types[imp->nparams + k] = (valtype_t)imp->results[k];
    struct functype ft = {.nparams = imp->nparams, .nresults = imp->nresults, .types = types};
    w->funcs[i].wasi = w;
    w->funcs[i].imp = imp;
    size_t mlen = strlen(imp->module), nlen = strlen(imp->name);
    /* The name backtraces show, "module.name", joined by hand (snprintf was
     * libc's formatting code paged in for this alone). The witx names
     * always fit; else the plain name. */
    char full[128];
    const char *host_name = imp->name;
    if (mlen + 1 + nlen < sizeof full) {
        memcpy(full, imp->module, mlen);
        full[mlen] = '.';
        memcpy(full + mlen + 1, imp->name, nlen + 1);
        host_name = full;
    }
    struct rt_func *fn = rt_func_new_host(s, &ft, wasi_host_call, &w->funcs[i], host_name);
    struct rt_extern ext = {.kind = EXT_FUNC, .u.func = fn};
    rt_define(s, imp->module, (uint32_t)mlen, imp->name, (uint32_t)nlen, &ext);
    return true;
}

bool wisp_store_add_wasi(wisp_store *store, const wisp_wasi_config *c, wisp_error *err)
{
    if (store->wasi)
        return err_set(err, WISP_ERR_LINK, -1, "this store already has WASI");
    struct api_wasi *w = xcalloc(1, sizeof *w);
    w->ctx = wasi_ctx_new(c->stdio[0], c->stdio[1], c->stdio[2],
                          (const char *const *)c->args, c->argc,
                          (const char *const *)c->env, c->envc, c->pre, c->npre);
    if (!w->ctx) {
        int e = errno;
        free(w);
        return err_set(err, WISP_ERR_IO, -1, "cannot set up WASI: %s", strerror(e));
    }
    w->trace.out = c->trace;
    w->trace.on = c->trace != NULL;
    store->wasi = w;
    store->wasi_free = api_wasi_free;

    /* Each function is defined when a module first imports it, under each
     * module name the witx files use. */
    for (uint32_t i = 0; i < WASI_IMPORT_COUNT; i++) {
        uint32_t k = 0;
        while (k < i && strcmp(wasi_import_table[k].module, wasi_import_table[i].module) != 0)
            k++;
        if (k == i)
            rt_define_lazily(store->rt, wasi_import_table[i].module, define_wasi, w);
    }
    return true;
}
