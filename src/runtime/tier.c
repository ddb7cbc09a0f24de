/* The compiled tier from the runtime's side: finding and opening the
 * plugin (tier_plugin.h says why it is one), the code cache, and binding
 * an instance's functions to the code.
 *
 * The plugin is looked for, in order: $WISP_LLVM_PLUGIN; beside the object
 * that holds this code (the wisp binary or libwisp.so, found with dladdr);
 * in ../lib/wisp/ from there (an installed bin/wisp); and in the library
 * directory the build was configured with. It is opened once, on the first
 * compilation that the cache cannot answer. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "runtime/code_cache.h"
#include "runtime/native_image.h"
#include "runtime/tier.h"
#include "runtime/tier_plugin.h"
#include "wisp.h"

#ifndef WISP_PLUGIN_DIR
#define WISP_PLUGIN_DIR "/usr/local/lib/wisp"
#endif
#define PLUGIN_NAME "libwisp-llvm.so"

static pthread_once_t found_once = PTHREAD_ONCE_INIT, open_once = PTHREAD_ONCE_INIT;
static char plugin_path[4096];      /* "" when there is none */
static char generator[512];         /* what compiled code depends on besides the module */
static const struct rt_tier_plugin *plugin;
static char why_absent[512];

static bool exists(const char *path, struct stat *st)
{
    return stat(path, st) == 0 && S_ISREG(st->st_mode);
}

/* A short fingerprint of this CPU: its model and feature flags. */
static uint64_t cpu_fingerprint(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    uint64_t h[2] = {0, 0};
    if (!f)
        return 0;
    char line[8192];
    char both[16384] = "";
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10) || !strncmp(line, "flags", 5) || !strncmp(line, "Features", 8))
            strncat(both, line, sizeof both - strlen(both) - 1);
        if (line[0] == '\n' && both[0])
            break; /* the first processor is enough */
    }
    fclose(f);
    rt_hash128(both, strlen(both), 1, h);
    return h[0];
}

static void find(void)
{
    struct stat st;
    const char *env = getenv("WISP_LLVM_PLUGIN");
    Dl_info info;
    if (env && *env) {
        if (exists(env, &st))
            snprintf(plugin_path, sizeof plugin_path, "%s", env);
        else
            snprintf(why_absent, sizeof why_absent, "WISP_LLVM_PLUGIN=%s: no such file", env);
    } else {
        char path[4096];
        bool found = false;
        if (dladdr((void *)find, &info) && info.dli_fname && strchr(info.dli_fname, '/')) {
            int dir = (int)(strrchr(info.dli_fname, '/') - info.dli_fname);
            snprintf(path, sizeof path, "%.*s/%s", dir, info.dli_fname, PLUGIN_NAME);
            found = exists(path, &st);
            if (!found) {
                snprintf(path, sizeof path, "%.*s/../lib/wisp/%s", dir, info.dli_fname, PLUGIN_NAME);
                found = exists(path, &st);
            }
        }
        if (!found) {
            snprintf(path, sizeof path, "%s/%s", WISP_PLUGIN_DIR, PLUGIN_NAME);
            found = exists(path, &st);
        }
        if (found)
            snprintf(plugin_path, sizeof plugin_path, "%s", path);
        else
            snprintf(why_absent, sizeof why_absent,
                     "not built in: no %s beside wisp or in %s (wisp was built without LLVM 19; "
                     "or set WISP_LLVM_PLUGIN)", PLUGIN_NAME, WISP_PLUGIN_DIR);
    }
    if (plugin_path[0])
        snprintf(generator, sizeof generator, "wisp %s layout %llx plugin %lld:%lld.%09ld cpu %llx", WISP_VERSION,
                 (unsigned long long)RT_TIER_LAYOUT, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec, (unsigned long long)cpu_fingerprint());
}

static void open_plugin(void)
{
    pthread_once(&found_once, find);
    if (!plugin_path[0])
        return;
    void *h = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why_absent, sizeof why_absent, "cannot open %.300s: %.180s", plugin_path, dlerror());
        return;
    }
    rt_tier_plugin_fn get = (rt_tier_plugin_fn)dlsym(h, RT_TIER_PLUGIN_SYMBOL);
    const struct rt_tier_plugin *p = get ? get() : NULL;
    if (!p) {
        snprintf(why_absent, sizeof why_absent, "%.400s has no %s", plugin_path, RT_TIER_PLUGIN_SYMBOL);
        return;
    }
    if (p->layout != RT_TIER_LAYOUT) {
        snprintf(why_absent, sizeof why_absent, "%.400s comes from another build of wisp", plugin_path);
        return;
    }
    char why[256] = "";
    if (!p->init(why, sizeof why)) {
        snprintf(why_absent, sizeof why_absent, "%s", why);
        return;
    }
    plugin = p;
}

static const struct rt_tier_plugin *get_plugin(void)
{
    pthread_once(&open_once, open_plugin);
    return plugin;
}

bool rt_tier_available(void) { return get_plugin() != NULL; }

const char *rt_tier_describe(void)
{
    const struct rt_tier_plugin *p = get_plugin();
    return p ? p->describe() : why_absent;
}

/* Link the object and point inst's functions at their code. */
static bool bind(struct rt_instance *inst, const uint8_t *obj, size_t len, struct wisp_error *err)
{
    const struct module *m = inst->module;
    size_t nsyms;
    const struct rt_tier_symbol *syms = rt_native_symbols(&nsyms);
    char why[256];
    struct rt_native_image *img = rt_native_image_load(obj, len, syms, nsyms, why, sizeof why);
    if (!img)
        return err_set(err, WISP_ERR_LINK, -1, "%s", why);
    void *const *code = (void *const *)rt_native_image_symbol(img, "funcs", NULL);
    void *const *entry = (void *const *)rt_native_image_symbol(img, "entries", NULL);
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    size_t table_size = 0;
    rt_native_image_symbol(img, "funcs", &table_size);
    if (!code || !entry || table_size < (size_t)ndef * sizeof(void *)) {
        rt_native_image_free(img);
        return err_set(err, WISP_ERR_LINK, -1, "compiled code does not match the module (its function table "
                       "is missing or too short)");
    }
    struct rt_code_range *ranges = xmalloc((ndef ? ndef : 1) * sizeof *ranges);
    for (uint32_t i = 0; i < ndef; i++) {
        struct rt_func *f = inst->funcs[m->nfunc_imports + i];
        uintptr_t start = (uintptr_t)code[i];
        ranges[i] = (struct rt_code_range){start, start + rt_native_image_size_at(img, start), f};
    }
    rt_native_add_ranges(ranges, ndef);
    free(ranges);
    for (uint32_t i = 0; i < ndef; i++) {
        struct rt_func *f = inst->funcs[m->nfunc_imports + i];
        f->native_entry = (void (*)(void *, struct rt_instance *, union slot *))entry[i];
        f->native = code[i];
    }
    inst->native = img;
    return true;
}

bool rt_tier_compile_instance(struct rt_instance *inst, struct wisp_error *err)
{
    struct rt_store *s = inst->store;
    pthread_once(&found_once, find);
    if (!plugin_path[0])
        return err_set(err, WISP_ERR_LINK, -1, "the compiled tier is unavailable: %s", why_absent);
    struct rt_tier_options opt = {.checks = s->checks};
    struct rt_cache_key key = rt_cache_key(inst->module, &opt, generator);
    uint8_t *obj = NULL;
    size_t len = 0;
    if (!s->cache || !rt_cache_get(&key, &obj, &len)) {
        const struct rt_tier_plugin *p = get_plugin();
        if (!p)
            return err_set(err, WISP_ERR_LINK, -1, "the compiled tier is unavailable: %s", why_absent);
        if (!p->compile(inst->module, &opt, &obj, &len, err))
            return false;
        if (s->cache)
            rt_cache_put(&key, obj, len);
    }
    bool ok = bind(inst, obj, len, err);
    free(obj);
    return ok;
}

void rt_tier_release(struct rt_instance *inst)
{
    struct rt_native_image *img = inst->native;
    if (!img)
        return;
    uintptr_t start, end;
    rt_native_image_text(img, &start, &end);
    rt_native_remove_ranges(start, end);
    rt_native_image_free(img);
    inst->native = NULL;
}
