/* The auto tier: functions start in the interpreter, and what proves hot
 * moves to native code compiled on a background thread while the
 * interpreter keeps running.
 *
 * The interpreter counts calls and loop iterations per function
 * (XOP_hot). When a count runs out, rt_tier_hot asks for the instance's
 * whole module to be compiled, plus an entry at the loop that ran out
 * (on-stack replacement: a variant of the function that starts at that
 * loop with the interpreter's frame). One worker thread per process takes
 * the requests in order. When the code is linked, every function of the
 * instance switches to it at its next call (the interpreter's code for it
 * starts with XOP_native from then on), and a frame looping in the
 * interpreter moves over at its next look at the loop's count. Loops that
 * get hot after the module was compiled get entries in later, smaller
 * compilations of their own.
 *
 * The module's code goes through the cache like the compiled tier's: a
 * second run starts with native code from its first instruction.
 *
 * Two knobs for testing, read once from the environment:
 * WISP_TIER_UP_THRESHOLD=N counts N instead of RT_HOT_THRESHOLD, and
 * WISP_TIER_UP_SYNC=1 compiles on the requesting thread, so a run with
 * N=1 moves every function at its first call and every loop at its first
 * iteration, at the same points every time. WISP_TIER_LOG=1 reports each
 * compilation on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/tier.h"

/* The queue; queue_lock also guards each state's queued, busy and next.
 * Lock order: a state's lock, then queue_lock. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;
static struct rt_native_state *queue_head, *queue_tail;
static bool worker_started;

static pthread_once_t knobs_once = PTHREAD_ONCE_INIT;
static int32_t threshold = RT_HOT_THRESHOLD;
static bool sync_compile, log_compile;

static void read_knobs(void)
{
    const char *t = getenv("WISP_TIER_UP_THRESHOLD");
    if (t && *t) {
        long v = strtol(t, NULL, 10);
        threshold = v < 1 ? 1 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
    }
    const char *s = getenv("WISP_TIER_UP_SYNC");
    sync_compile = s && *s && strcmp(s, "0") != 0;
    const char *l = getenv("WISP_TIER_LOG");
    log_compile = l && *l && strcmp(l, "0") != 0;
}

int32_t rt_tier_up_threshold(void)
{
    pthread_once(&knobs_once, read_knobs);
    return threshold;
}

bool rt_tier_up_enabled(struct rt_store *s)
{
    pthread_once(&knobs_once, read_knobs);
    return s->tier == RT_TIER_AUTO && rt_tier_up_possible();
}

void rt_tier_up_instance(struct rt_instance *inst)
{
    /* Precompiled code runs without the plugin. */
    bool precompiled = inst->module->precompiled != NULL;
    if ((!precompiled && !rt_tier_up_enabled(inst->store)) || inst->module->nfuncs == inst->module->nfunc_imports)
        return;
    struct rt_tier_options opt;
    rt_tier_options_for(inst, &opt);
    struct rt_native_state *st = rt_native_state(inst);
    if (rt_tier_build(inst, &opt, true, NULL)) {
        pthread_mutex_lock(&st->lock);
        st->module_wanted = st->module_done = true;
        pthread_mutex_unlock(&st->lock);
    }
}

/* One compilation: what st wants that it does not have yet. */
static void compile_pending(struct rt_native_state *st)
{
    struct rt_instance *inst = st->inst;
    struct rt_tier_options opt;
    rt_tier_options_for(inst, &opt);
    pthread_mutex_lock(&st->lock);
    bool module = st->module_wanted && !st->module_done;
    uint32_t from = st->nwant_done, to = st->nwant;
    struct rt_osr_point *osr = xmalloc((to - from + 1) * sizeof *osr);
    memcpy(osr, st->want + from, (to - from) * sizeof *osr);
    pthread_mutex_unlock(&st->lock);

    uint32_t ndef = inst->module->nfuncs - inst->module->nfunc_imports;
    uint8_t *none = NULL;
    if (!module) {
        none = xcalloc(ndef ? ndef : 1, 1); /* the functions have code: OSR entries only */
        opt.define = none;
    }
    opt.osr = osr;
    opt.nosr = to - from;
    struct wisp_error err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool ok = (module || opt.nosr) ? rt_tier_build(inst, &opt, false, &err) : true;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (log_compile)
        fprintf(stderr, "wisp: tier-up: %s%u loop entries in %.1f ms%s%s\n", module ? "module + " : "", opt.nosr,
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
                ok ? "" : ", failed: ", ok ? "" : err.message);
    free(none);
    free(osr);

    pthread_mutex_lock(&st->lock);
    if (ok) {
        st->module_done = st->module_done || module;
        st->nwant_done = to;
    } else {
        /* A function the tier cannot compile: stay in the interpreter. */
        st->failed = true;
    }
    pthread_mutex_unlock(&st->lock);
}

static void *worker(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&queue_lock);
        while (!queue_head)
            pthread_cond_wait(&queue_nonempty, &queue_lock);
        struct rt_native_state *st = queue_head;
        queue_head = st->next;
        if (!queue_head)
            queue_tail = NULL;
        st->queued = false;
        st->busy = true;
        pthread_mutex_unlock(&queue_lock);

        compile_pending(st);

        pthread_mutex_lock(&queue_lock);
        st->busy = false;
        pthread_cond_broadcast(&job_done);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

/* Put st in the queue (st->lock held). */
static void enqueue(struct rt_native_state *st)
{
    if (st->failed)
        return;
    pthread_mutex_lock(&queue_lock);
    if (st->queued) {
        pthread_mutex_unlock(&queue_lock);
        return;
    }
    if (!worker_started) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        /* LLVM's passes recurse deeply on large functions. */
        pthread_attr_setstacksize(&attr, (size_t)64 << 20);
        worker_started = pthread_create(&t, &attr, worker, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    if (worker_started) {
        st->queued = true;
        st->next = NULL;
        if (queue_tail)
            queue_tail->next = st;
        else
            queue_head = st;
        queue_tail = st;
        pthread_cond_signal(&queue_nonempty);
    }
    pthread_mutex_unlock(&queue_lock);
}

void (*rt_tier_hot(struct rt_store *s, struct rt_func *f, uint32_t loop))(void *, struct rt_instance *, union slot *)
{
    (void)s;
    f->hot = threshold;
    if (loop != UINT32_MAX)
        for (struct rt_osr_entry *e = __atomic_load_n(&f->osr, __ATOMIC_ACQUIRE); e; e = e->next)
            if (e->loop == loop)
                return e->entry;
    struct rt_native_state *st = rt_native_state(f->inst);
    pthread_mutex_lock(&st->lock);
    bool more = !st->module_wanted;
    st->module_wanted = true;
    if (loop != UINT32_MAX) {
        bool known = false;
        for (uint32_t i = 0; i < st->nwant && !known; i++)
            known = st->want[i].func == f->index && st->want[i].loop == loop;
        if (!known) {
            VEC_GROW(st->want, st->nwant, st->want_cap);
            st->want[st->nwant++] = (struct rt_osr_point){f->index, loop};
            more = true;
        }
    }
    if (more && !sync_compile)
        enqueue(st);
    pthread_mutex_unlock(&st->lock);
    if (more && sync_compile && !st->failed) {
        compile_pending(st);
        if (loop != UINT32_MAX)
            for (struct rt_osr_entry *e = __atomic_load_n(&f->osr, __ATOMIC_ACQUIRE); e; e = e->next)
                if (e->loop == loop)
                    return e->entry;
    }
    return NULL;
}

void rt_tier_up_forget(struct rt_native_state *st)
{
    pthread_mutex_lock(&queue_lock);
    if (st->queued) {
        struct rt_native_state **p = &queue_head, *prev = NULL;
        while (*p && *p != st) {
            prev = *p;
            p = &(*p)->next;
        }
        if (*p) {
            *p = st->next;
            if (queue_tail == st)
                queue_tail = prev;
        }
        st->queued = false;
    }
    while (st->busy)
        pthread_cond_wait(&job_done, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
    pthread_mutex_lock(&st->lock);
    st->failed = true; /* nothing more for it */
    pthread_mutex_unlock(&st->lock);
}
