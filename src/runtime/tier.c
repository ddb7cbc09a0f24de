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
static pthread_once_t generator_once = PTHREAD_ONCE_INIT;
static char generator[512];         /* what compiled code depends on besides the module */
static long long plugin_size;
static struct timespec plugin_mtime;
static const struct rt_tier_plugin *plugin;
static char why_absent[512];

static bool exists(const char *path, struct stat *st)
{
    return stat(path, st) == 0 && S_ISREG(st->st_mode);
}

/* A short fingerprint of this CPU: its model and feature flags (CPUID on
 * x86-64, which costs nothing; /proc/cpuinfo elsewhere). */
#if defined(__x86_64__)
#include <cpuid.h>
static uint64_t cpu_fingerprint(void)
{
    uint32_t words[20] = {0};
    unsigned a, b, c, d;
    if (__get_cpuid(0, &a, &b, &c, &d)) {
        words[0] = a, words[1] = b, words[2] = c, words[3] = d;
        if (__get_cpuid(1, &a, &b, &c, &d))
            words[4] = a, words[5] = c, words[6] = d; /* family/model/stepping, features */
        if (words[0] >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d))
            words[7] = b, words[8] = c, words[9] = d;
        if (words[0] >= 7 && __get_cpuid_count(7, 1, &a, &b, &c, &d))
            words[10] = a;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d))
        words[11] = c, words[12] = d;
    uint64_t h[2];
    rt_hash128(words, sizeof words, 1, h);
    return h[0];
}
#else
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
#endif

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
    if (plugin_path[0]) {
        plugin_size = (long long)st.st_size;
        plugin_mtime = st.st_mtim;
    }
}

/* What compiled code depends on besides the module and the options: this
 * build, the plugin file, the CPU. Computed on first use (reading
 * /proc/cpuinfo is not free). */
static void make_generator(void)
{
    snprintf(generator, sizeof generator, "wisp %s layout %llx plugin %lld:%lld.%09ld cpu %llx", WISP_VERSION,
             (unsigned long long)RT_TIER_LAYOUT, plugin_size, (long long)plugin_mtime.tv_sec,
             plugin_mtime.tv_nsec, (unsigned long long)cpu_fingerprint());
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
    /* After the plugin's own exit handlers, so it runs before them. */
    atexit(rt_tier_up_at_exit);
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

/* The instance's compiled code: every image loaded for it (one per
 * compilation), and the tier-up state (tier_up.c). */
struct rt_native_state *rt_native_state(struct rt_instance *inst)
{
    if (!inst->native) {
        struct rt_native_state *st = xcalloc(1, sizeof *st);
        pthread_mutex_init(&st->lock, NULL);
        st->inst = inst;
        inst->native = st;
    }
    return inst->native;
}

static void publish(struct rt_func *f, void *code, void *entry)
{
    __atomic_store_n(&f->native, code, __ATOMIC_RELEASE);
    __atomic_store_n(&f->native_entry, (void (*)(void *, struct rt_instance *, union slot *))entry,
                     __ATOMIC_SEQ_CST);
    struct rt_code *lowered = __atomic_load_n(&f->code, __ATOMIC_SEQ_CST);
    if (lowered)
        rt_code_go_native(lowered);
}

void rt_native_state_free(struct rt_native_state *st)
{
    free(st->images);
    free(st->want);
    free(st->called);
    free(st->deferred);
    free(st->late);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* Link the object and point inst's functions (and OSR entries) at it. */
static bool bind(struct rt_instance *inst, const struct rt_tier_options *opt, const uint8_t *obj, size_t len,
                 struct wisp_error *err)
{
    const struct module *m = inst->module;
    size_t nsyms;
    const struct rt_tier_symbol *syms = rt_native_symbols(&nsyms);
    char why[256];
    struct rt_native_image *img = rt_native_image_load(obj, len, syms, nsyms, why, sizeof why);
    if (!img)
        return err_set(err, WISP_ERR_LINK, -1, "%s", why);
    uint32_t ndef = m->nfuncs - m->nfunc_imports, ncomp = 0;
    for (uint32_t i = 0; i < ndef; i++)
        ncomp += !opt->define || opt->define[i];
    size_t funcs_size = 0, osr_size = 0;
    void *const *code = (void *const *)rt_native_image_symbol(img, "funcs", &funcs_size);
    void *const *entry = (void *const *)rt_native_image_symbol(img, "entries", NULL);
    void *const *osr_code = (void *const *)rt_native_image_symbol(img, "osr_funcs", &osr_size);
    void *const *osr_entry = (void *const *)rt_native_image_symbol(img, "osr_entries", NULL);
    if (!code || !entry || !osr_code || !osr_entry || funcs_size < (size_t)ncomp * sizeof(void *) ||
        osr_size < (size_t)opt->nosr * sizeof(void *)) {
        rt_native_image_free(img);
        return err_set(err, WISP_ERR_LINK, -1, "compiled code does not match the module (its function "
                       "tables are missing or too short)");
    }
    struct rt_code_range *ranges = xmalloc((ncomp + opt->nosr + 1) * sizeof *ranges);
    uint32_t n = 0;
    for (uint32_t i = 0; i < ndef; i++)
        if (!opt->define || opt->define[i]) {
            uintptr_t start = (uintptr_t)code[n];
            ranges[n] = (struct rt_code_range){start, start + rt_native_image_size_at(img, start),
                                               inst->funcs[m->nfunc_imports + i]};
            n++;
        }
    for (uint32_t k = 0; k < opt->nosr; k++) {
        /* Pairs of one function share its variant: one range. */
        uint32_t first = 0;
        while (first < k && osr_code[first] != osr_code[k])
            first++;
        if (first < k)
            continue;
        uintptr_t start = (uintptr_t)osr_code[k];
        ranges[n++] = (struct rt_code_range){start, start + rt_native_image_size_at(img, start),
                                             inst->funcs[opt->osr[k].func]};
    }
    rt_native_add_ranges(ranges, n);
    free(ranges);
    uintptr_t start, end;
    rt_native_image_text(img, &start, &end);
    rt_native_add_text(start, end);

    struct rt_native_state *st = rt_native_state(inst);
    pthread_mutex_lock(&st->lock);
    VEC_GROW(st->images, st->nimages, st->images_cap);
    st->images[st->nimages++] = img;
    pthread_mutex_unlock(&st->lock);
    n = 0;
    for (uint32_t i = 0; i < ndef; i++)
        if (!opt->define || opt->define[i]) {
            publish(inst->funcs[m->nfunc_imports + i], code[n], entry[n]);
            n++;
        }
    for (uint32_t k = 0; k < opt->nosr; k++) {
        struct rt_func *f = inst->funcs[opt->osr[k].func];
        struct rt_osr_entry *e = xmalloc(sizeof *e);
        e->loop = opt->osr[k].loop;
        e->entry = (void (*)(void *, struct rt_instance *, union slot *))osr_entry[k];
        e->next = f->osr;
        __atomic_store_n(&f->osr, e, __ATOMIC_RELEASE);
    }
    return true;
}

/* The object for opt: from the cache, or compiled (and cached). NULL
 * plugin_needed: the cache only. */
uint32_t rt_tier_option_bits(const struct rt_tier_options *opt)
{
    return (opt->checks ? RT_PRECOMPILED_CHECKS : 0) | (opt->guarded ? RT_PRECOMPILED_GUARDED : 0);
}

static const char *option_words(uint32_t bits)
{
    static const char *const words[4] = {"no check points, explicit bounds checks",
                                         "fuel/interrupt check points, explicit bounds checks",
                                         "no check points, guarded memories",
                                         "fuel/interrupt check points, guarded memories"};
    return words[bits & 3];
}

static uint64_t target_id;
static pthread_once_t target_once = PTHREAD_ONCE_INIT;

static void make_target_id(void)
{
    char s[256];
    int n = snprintf(s, sizeof s, "wisp %s layout %llx cpu %llx", WISP_VERSION, (unsigned long long)RT_TIER_LAYOUT,
                     (unsigned long long)cpu_fingerprint());
    uint64_t h[2];
    rt_hash128(s, (size_t)n, 7, h);
    target_id = h[0];
}

uint64_t rt_tier_target_id(void)
{
    pthread_once(&target_once, make_target_id);
    return target_id;
}

bool rt_tier_compile_module(const struct module *m, const struct rt_tier_options *opt, uint8_t **obj,
                            size_t *len, struct wisp_error *err)
{
    const struct rt_tier_plugin *p = get_plugin();
    if (!p)
        return err_set(err, WISP_ERR_LINK, -1, "the compiled tier is unavailable: %s", why_absent);
    return p->compile(m, opt, obj, len, err);
}

bool rt_tier_code(const struct module *m, bool use_cache, const struct rt_tier_options *opt, bool cache_only,
                  uint8_t **obj, size_t *len, struct wisp_error *err)
{
    if (m->precompiled && !opt->define && !opt->nosr) {
        /* The module came with its code (it was checked against this wisp
         * and CPU when it was read). */
        uint32_t bits = rt_tier_option_bits(opt);
        if (bits != m->precompiled_options)
            return err_set(err, WISP_ERR_LINK, -1, "the precompiled code was compiled for %s, but this run needs "
                           "%s (compile it with the same -W and -O options)",
                           option_words(m->precompiled_options), option_words(bits));
        *obj = xmalloc(m->precompiled_len ? m->precompiled_len : 1);
        memcpy(*obj, m->precompiled, m->precompiled_len);
        *len = m->precompiled_len;
        return true;
    }
    pthread_once(&found_once, find);
    if (!plugin_path[0])
        return err_set(err, WISP_ERR_LINK, -1, "the compiled tier is unavailable: %s", why_absent);
    pthread_once(&generator_once, make_generator);
    struct rt_cache_key key = rt_cache_key(m, opt, generator);
    if (use_cache && rt_cache_get(&key, obj, len))
        return true;
    if (cache_only)
        return false;
    const struct rt_tier_plugin *p = get_plugin();
    if (!p)
        return err_set(err, WISP_ERR_LINK, -1, "the compiled tier is unavailable: %s", why_absent);
    if (!p->compile(m, opt, obj, len, err))
        return false;
    if (use_cache) {
        rt_cache_put(&key, *obj, *len);
        /* The auto tier compiles the whole module with OSR entries; the
         * object serves as the module's code without them too, which is
         * what the next run looks up when it instantiates. */
        if (!opt->define && opt->nosr) {
            struct rt_tier_options plain = *opt;
            plain.osr = NULL;
            plain.nosr = 0;
            struct rt_cache_key k0 = rt_cache_key(m, &plain, generator);
            rt_cache_put(&k0, *obj, *len);
        }
    }
    return true;
}

void rt_tier_options_for(struct rt_instance *inst, struct rt_tier_options *opt)
{
    *opt = (struct rt_tier_options){.checks = inst->store->checks, .guarded = true};
    for (uint32_t i = 0; i < inst->module->nmemories; i++)
        opt->guarded = opt->guarded && inst->memories[i]->guarded;
}

bool rt_tier_bind(struct rt_instance *inst, const struct rt_tier_options *opt, const uint8_t *obj, size_t len,
                  struct wisp_error *err)
{
    if (opt->guarded && inst->module->nmemories && !rt_native_fault_handler(err))
        return false;
    return bind(inst, opt, obj, len, err);
}

bool rt_tier_build(struct rt_instance *inst, const struct rt_tier_options *opt, bool cache_only,
                   struct wisp_error *err)
{
    uint8_t *obj = NULL;
    size_t len = 0;
    if (!rt_tier_code(inst->module, inst->store->cache, opt, cache_only, &obj, &len, err))
        return false;
    bool ok = rt_tier_bind(inst, opt, obj, len, err);
    free(obj);
    return ok;
}

bool rt_tier_compile_instance(struct rt_instance *inst, struct wisp_error *err)
{
    struct rt_tier_options opt;
    rt_tier_options_for(inst, &opt);
    return rt_tier_build(inst, &opt, false, err);
}

bool rt_tier_up_possible(void)
{
    pthread_once(&found_once, find);
    return plugin_path[0] != 0;
}

void rt_tier_release(struct rt_instance *inst)
{
    struct rt_native_state *st = inst->native;
    if (!st)
        return;
    /* No compilation binds code to inst after this; one in flight keeps
     * the state and frees it itself. */
    struct rt_native_image **images;
    uint32_t nimages;
    bool keep = rt_tier_up_forget(st, &images, &nimages);
    for (uint32_t i = 0; i < nimages; i++) {
        uintptr_t start, end;
        rt_native_image_text(images[i], &start, &end);
        rt_native_remove_ranges(start, end);
        rt_native_remove_text(start);
        rt_native_image_free(images[i]);
    }
    free(images);
    const struct module *m = inst->module;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
        for (struct rt_osr_entry *e = inst->funcs[i]->osr, *next; e; e = next) {
            next = e->next;
            free(e);
        }
    if (!keep)
        rt_native_state_free(st);
    inst->native = NULL;
}
