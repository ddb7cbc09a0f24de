/* The runtime side of native code: entering it (rt_native_call), and the
 * helpers the generated code calls for whatever is not worth inlining:
 * traps, the fuel and interrupt slow path, calls to host functions and to
 * functions still in the interpreter, bulk memory and table operations, and
 * most SIMD operations (the same functions as the interpreter's, from
 * simd.h, so both tiers compute the same bits).
 *
 * A trap longjmps to the innermost rt_native_call. Native code keeps frame
 * pointers, so the backtrace is a walk up the frame chain, each return
 * address looked up in the table of compiled code ranges.
 *
 * Loads and stores into guarded memories have no bounds check: an access
 * past the end faults, and the fault handler, seeing the faulting
 * instruction in compiled code, makes the thread resume in fault_trap as
 * if the faulting instruction had called it. fault_trap then raises the
 * trap like any other, outside the signal handler. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "runtime/native_eh.h"
#include "runtime/simd.h"
#include "runtime/tier.h"
#include "runtime/tier_plugin.h"

/* ---- code ranges: machine code address -> function ---- */

static pthread_mutex_t ranges_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rt_code_range *ranges; /* sorted by start, disjoint */
static size_t nranges, ranges_cap;

static int range_cmp(const void *a, const void *b)
{
    uintptr_t x = ((const struct rt_code_range *)a)->start, y = ((const struct rt_code_range *)b)->start;
    return x < y ? -1 : x > y;
}

void rt_native_add_ranges(const struct rt_code_range *r, size_t n)
{
    if (n == 0)
        return;
    pthread_mutex_lock(&ranges_lock);
    while (nranges + n > ranges_cap) {
        ranges_cap = ranges_cap ? ranges_cap * 2 : 256;
        ranges = xrealloc(ranges, ranges_cap * sizeof *ranges);
    }
    memcpy(ranges + nranges, r, n * sizeof *r);
    nranges += n;
    qsort(ranges, nranges, sizeof *ranges, range_cmp);
    pthread_mutex_unlock(&ranges_lock);
}

void rt_native_remove_ranges(uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&ranges_lock);
    size_t k = 0;
    for (size_t i = 0; i < nranges; i++)
        if (ranges[i].start < start || ranges[i].start >= end)
            ranges[k++] = ranges[i];
    nranges = k;
    pthread_mutex_unlock(&ranges_lock);
}

static struct rt_func *func_at(uintptr_t pc)
{
    struct rt_func *f = NULL;
    pthread_mutex_lock(&ranges_lock);
    size_t lo = 0, hi = nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ranges[mid].start <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && pc < ranges[lo - 1].end)
        f = ranges[lo - 1].func;
    pthread_mutex_unlock(&ranges_lock);
    return f;
}

/* ---- traps and backtraces ---- */

static void add_frame(struct rt_store *s, struct rt_func *f, uint32_t offset)
{
    if (s->ntrace >= RT_TRACE_MAX)
        return;
    VEC_GROW(s->trace, s->ntrace, s->trace_cap);
    s->trace[s->ntrace++] = (struct rt_trace_frame){f, offset};
}

/* Append the wasm frames above native frame `frame`: each frame holds the
 * caller's frame pointer and the return address. The walk ends at the
 * first return address outside compiled wasm code (the entry that called
 * in), or where the chain stops going up the stack. */
static void walk(struct rt_store *s, void *frame)
{
    void **fp = frame;
    while (fp && s->ntrace < RT_TRACE_MAX) {
        struct rt_func *f = func_at((uintptr_t)fp[1] - 1);
        if (!f)
            break;
        add_frame(s, f, UINT32_MAX);
        void **up = fp[0];
        if (up <= fp)
            break;
        fp = up;
    }
}

/* ---- the fault handler ---- */

/* Every loaded image's code, in chunks that are never freed, so the
 * handler can read the table without a lock while others change it. */
#define TEXT_CHUNK 128
struct text_chunk {
    _Atomic uintptr_t start[TEXT_CHUNK], end[TEXT_CHUNK];
    struct text_chunk *_Atomic next;
};
static struct text_chunk texts;
static pthread_mutex_t texts_lock = PTHREAD_MUTEX_INITIALIZER;

void rt_native_add_text(uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&texts_lock);
    for (struct text_chunk *c = &texts;; c = atomic_load(&c->next)) {
        for (int i = 0; i < TEXT_CHUNK; i++)
            if (!atomic_load(&c->start[i])) {
                atomic_store(&c->end[i], end);
                atomic_store(&c->start[i], start);
                pthread_mutex_unlock(&texts_lock);
                return;
            }
        if (!atomic_load(&c->next))
            atomic_store(&c->next, xcalloc(1, sizeof(struct text_chunk)));
    }
}

void rt_native_remove_text(uintptr_t start)
{
    pthread_mutex_lock(&texts_lock);
    for (struct text_chunk *c = &texts; c; c = atomic_load(&c->next))
        for (int i = 0; i < TEXT_CHUNK; i++)
            if (atomic_load(&c->start[i]) == start)
                atomic_store(&c->start[i], 0);
    pthread_mutex_unlock(&texts_lock);
}

static bool in_text(uintptr_t pc)
{
    for (struct text_chunk *c = &texts; c; c = atomic_load(&c->next))
        for (int i = 0; i < TEXT_CHUNK; i++) {
            uintptr_t s = atomic_load(&c->start[i]);
            if (s && pc >= s && pc < atomic_load(&c->end[i]))
                return true;
        }
    return false;
}

/* The store whose native code this thread runs, innermost. */
static __thread struct rt_store *native_store;
static struct sigaction prev_segv, prev_bus;

static _Noreturn void leave(struct rt_store *s);

/* Where a faulting access resumes: pc is the access, frame its function's
 * frame. */
static _Noreturn void fault_trap(uintptr_t pc, void *frame)
{
    struct rt_store *s = native_store;
    s->trap = TRAP_OOB_MEMORY;
    s->ntrace = 0;
    struct rt_func *f = func_at(pc);
    if (f)
        add_frame(s, f, UINT32_MAX);
    walk(s, frame);
    leave(s);
}

static void on_fault(int sig, siginfo_t *info, void *ctx)
{
#if defined(__x86_64__) && defined(__linux__)
    ucontext_t *uc = ctx;
    greg_t *r = uc->uc_mcontext.gregs;
    /* The code table first: it needs no thread-local storage, which a
     * thread made without it (LeakSanitizer's tracer) cannot read. */
    if (in_text((uintptr_t)r[REG_RIP]) && native_store) {
        /* Resume in fault_trap(pc, frame), on this thread's stack below the
         * faulting frame (past the red zone), as if called. */
        uintptr_t sp = ((uintptr_t)r[REG_RSP] - 256) & ~(uintptr_t)15;
        sp -= 8;
        *(uintptr_t *)sp = 0;
        r[REG_RDI] = r[REG_RIP];
        r[REG_RSI] = r[REG_RBP];
        r[REG_RSP] = (greg_t)sp;
        r[REG_RIP] = (greg_t)(uintptr_t)fault_trap;
        return;
    }
#endif
    /* Not ours: the handler from before, or the default action. */
    struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
    if (prev->sa_flags & SA_SIGINFO) {
        prev->sa_sigaction(sig, info, ctx);
    } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        prev->sa_handler(sig);
    } else {
        /* Returning re-runs the access, which now meets the default. */
        signal(sig, SIG_DFL);
    }
}

static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static bool handler_ok;

static void install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    handler_ok = sigaction(SIGSEGV, &sa, &prev_segv) == 0 && sigaction(SIGBUS, &sa, &prev_bus) == 0;
}

bool rt_native_fault_handler(struct wisp_error *err)
{
#if defined(__x86_64__) && defined(__linux__)
    pthread_once(&handler_once, install);
    if (handler_ok)
        return true;
    return err_set(err, WISP_ERR_LINK, -1, "cannot install the fault handler for guarded memories");
#else
    return err_set(err, WISP_ERR_LINK, -1, "guarded memories are not supported on this host");
#endif
}

/* The fault handler runs on an alternate stack where the thread has none,
 * so that a fault from a C stack overflow still reaches the handler it
 * chains to. */
static __thread bool altstack_checked;

static void ensure_altstack(void)
{
    altstack_checked = true;
    stack_t ss;
    if (sigaltstack(NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE))
        return;
    size_t size = 64 << 10;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
    ss = (stack_t){.ss_sp = p, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        munmap(p, size);
}

static _Noreturn void leave(struct rt_store *s)
{
    longjmp(*(jmp_buf *)s->native_jmp, 1);
}

/* Append the wasm stack at a point in native code: the function known by
 * index (when it was inlined into another, the function whose code is
 * running, at pc, comes next), then the frames above. */
static void trace_here(struct rt_instance *inst, uint32_t func, uint32_t offset, void *frame, uintptr_t pc)
{
    struct rt_store *s = inst->store;
    struct rt_func *f = inst->funcs[func];
    add_frame(s, f, offset);
    struct rt_func *running = func_at(pc - 1);
    if (running && running != f)
        add_frame(s, running, UINT32_MAX);
    walk(s, frame);
}

static _Noreturn void trap_in(struct rt_instance *inst, uint32_t func, uint32_t offset, void *frame,
                              uintptr_t pc)
{
    inst->store->ntrace = 0;
    trace_here(inst, func, offset, frame, pc);
    leave(inst->store);
}

static void helper_trap(struct rt_instance *inst, uint32_t func, uint32_t kind, uint32_t offset, void *frame)
{
    struct rt_store *s = inst->store;
    s->trap = (enum rt_trap)kind;
    if (kind == TRAP_STACK_EXHAUSTED)
        s->exhausted = EXH_NATIVE;
    trap_in(inst, func, offset, frame, (uintptr_t)__builtin_return_address(0));
}

/* A check point whose fast path failed: an interrupt, or fuel below cost. */
static void helper_check(struct rt_instance *inst, uint32_t func, uint32_t cost, uint32_t offset, void *frame)
{
    struct rt_store *s = inst->store;
    if (!rt_check_slow(s, cost))
        trap_in(inst, func, offset, frame, (uintptr_t)__builtin_return_address(0));
    if (s->sample_due) {
        /* The profiler's sample: this stack, then the interpreter's frames
         * below the native code. */
        s->sample_due = false;
        size_t base = s->ntrace;
        trace_here(inst, func, offset, frame, (uintptr_t)__builtin_return_address(0));
        rt_interp_trace(s, s->exec.depth);
        rt_profile_take(s, base);
    }
}

/* The pending exception goes from the call that returns to ret, in the
 * compiled function whose frame is frame, to the innermost landing pad of
 * the frames up to the innermost entry, if there is one: the frame-pointer
 * chain of compiled code says which frames those are (each frame holds
 * its caller's frame pointer and the return address into it), and the
 * unwind tables which of their calls have landing pads. A frame is named
 * to the unwinder by its stack pointer at the call (what _Unwind_GetCFA
 * gives for it: the callee's canonical frame address, just above its
 * return address), sp for the first. Returns when there is none: the
 * exception then leaves as a trap. */
static void raise_from(struct rt_store *s, uintptr_t ret, void *frame, uintptr_t sp)
{
    uintptr_t bound = (uintptr_t)s->native_jmp;
    void **fp = frame;
    while (fp && (uintptr_t)fp < bound && in_text(ret)) {
        if (rt_native_has_landing_pad(ret)) {
            rt_native_unwind_to(sp, bound);
            return;
        }
        void **up = fp[0];
        sp = (uintptr_t)(fp + 2);
        ret = (uintptr_t)fp[1];
        if (up <= fp)
            return;
        fp = up;
    }
}

/* The stack pointer of a helper's caller at the call (the helper keeps a
 * frame pointer: above it, the saved one and the return address). */
#define CALLER_SP() ((uintptr_t)__builtin_frame_address(0) + 2 * sizeof(void *))

/* A call from native code to a function without native code: a host
 * function, or a wasm function that still runs in the interpreter. frame
 * is the calling stub's frame. */
static void helper_call_slots(struct rt_func *callee, struct rt_instance *caller, union slot *slots, void *frame)
{
    struct rt_store *s = caller->store;
    if (callee->host) {
        struct rt_caller c = {s, caller};
        s->trap = TRAP_NONE;
        if (callee->host(&c, callee->env, slots))
            return;
        if (s->trap == TRAP_NONE)
            s->trap = TRAP_HOST;
        /* An exception the host passed on or threw: to a handler in
         * native code if one is below the entry. */
        if (s->trap == TRAP_EXCEPTION)
            raise_from(s, (uintptr_t)__builtin_return_address(0), frame, CALLER_SP());
        /* An exception passed on keeps the frames it came through. */
        if (s->trap != TRAP_EXCEPTION)
            s->ntrace = 0;
        add_frame(s, callee, UINT32_MAX);
        /* The function whose code made the call (the calling stub may be
         * inlined into it), then the frames above. */
        struct rt_func *running = func_at((uintptr_t)__builtin_return_address(0) - 1);
        if (running)
            add_frame(s, running, UINT32_MAX);
        walk(s, frame);
        leave(s);
    }
    if (!rt_call(s, callee, slots, NULL)) {
        /* An exception from the callee: to a handler in native code if
         * one is below the entry. */
        if (s->trap == TRAP_EXCEPTION)
            raise_from(s, (uintptr_t)__builtin_return_address(0), frame, CALLER_SP());
        walk(s, frame);
        leave(s);
    }
}

/* ---- exceptions (the unwinding itself: native_eh.c) ---- */

/* Where native code last threw (the function, its byte offset and its
 * frame): the backtrace of an exception that leaves native code uncaught
 * starts there. */
static __thread struct {
    struct rt_instance *inst;
    uint32_t func, offset;
    void *frame;
} throw_site;

/* A throw: e becomes the store's pending exception, thrown from func at
 * offset. The code then branches to a handler or leaves the function
 * (wisp_rt_resume). */
static struct rt_exception *thrown_at(struct rt_instance *inst, struct rt_exception *e, uint32_t func,
                                      uint32_t offset, void *frame)
{
    inst->store->exn = e;
    throw_site.inst = inst;
    throw_site.func = func;
    throw_site.offset = offset;
    throw_site.frame = frame;
    return e;
}

/* throw tag: a new exception with the payload in slots. */
static struct rt_exception *helper_throw(struct rt_instance *inst, uint32_t tag, const union slot *payload,
                                         uint32_t func, uint32_t offset, void *frame)
{
    return thrown_at(inst, rt_exception_new(inst->store, inst->tags[tag], payload), func, offset, frame);
}

/* throw_ref, rethrow, and an exception no clause of a function's
 * handlers took. */
static struct rt_exception *helper_throw_ref(struct rt_instance *inst, struct rt_exception *e, uint32_t func,
                                             uint32_t offset, void *frame)
{
    if (!e) {
        inst->store->trap = TRAP_NULL_EXNREF;
        trap_in(inst, func, offset, frame, (uintptr_t)__builtin_return_address(0));
    }
    return thrown_at(inst, e, func, offset, frame);
}

/* Exception e leaves the compiled function whose frame is frame (throw_site
 * says where it was thrown), to the innermost landing pad in native code
 * of this entry, else by the trap path. */
static void helper_resume(struct rt_exception *e, void *frame)
{
    struct rt_store *s = native_store;
    s->exn = e;
    s->trap = TRAP_EXCEPTION;
    raise_from(s, (uintptr_t)__builtin_return_address(0), frame, CALLER_SP());
    trap_in(throw_site.inst, throw_site.func, throw_site.offset, throw_site.frame,
            (uintptr_t)__builtin_return_address(0));
}

/* At a landing pad: the exception, which the store no longer holds as
 * pending. */
static struct rt_exception *helper_caught(struct rt_instance *inst)
{
    struct rt_store *s = inst->store;
    struct rt_exception *e = s->exn;
    s->exn = NULL;
    s->trap = TRAP_NONE;
    return e;
}

/* A clause without a reference took e: free it unless exposed. */
static void helper_exn_drop(struct rt_instance *inst, struct rt_exception *e)
{
    rt_exception_caught(inst->store, e);
}

/* ---- memories and tables (each returns a trap reason, 0 for none) ---- */

static uint32_t helper_memory_grow(struct rt_instance *inst, uint32_t mem, uint32_t delta)
{
    return (uint32_t)rt_memory_grow(inst->memories[mem], delta);
}

static uint32_t helper_memory_fill(struct rt_instance *inst, uint32_t mem, uint64_t d, uint32_t val, uint64_t n)
{
    return rt_memory_fill(inst->store, inst->memories[mem], d, (uint8_t)val, n);
}

static uint32_t helper_memory_copy(struct rt_instance *inst, uint32_t dm, uint32_t sm, uint64_t d, uint64_t s,
                                   uint64_t n)
{
    return rt_memory_copy(inst->store, inst->memories[dm], inst->memories[sm], d, s, n);
}

static uint32_t helper_memory_init(struct rt_instance *inst, uint32_t mem, uint32_t seg, uint64_t d, uint32_t s,
                                   uint32_t n)
{
    return rt_memory_init(inst->store, inst->memories[mem], &inst->datas[seg], d, s, n);
}

static void helper_data_drop(struct rt_instance *inst, uint32_t seg) { inst->datas[seg].len = 0; }

static void helper_elem_drop(struct rt_instance *inst, uint32_t seg) { inst->elems[seg].count = 0; }

static uint32_t helper_table_grow(struct rt_instance *inst, uint32_t table, void *init, uint32_t delta)
{
    return (uint32_t)rt_table_grow(inst->tables[table], delta, init);
}

/* call_indirect's callee of another type than the one wanted: is it a
 * declared subtype of it? */
static uint32_t helper_type_sub(struct rt_instance *inst, uint32_t have, uint32_t want)
{
    return rt_store_type_sub(inst->store, have, want);
}

static uint32_t helper_table_fill(struct rt_instance *inst, uint32_t table, uint32_t i, void *v, uint32_t n)
{
    return rt_table_fill(inst->store, inst->tables[table], i, v, n);
}

static uint32_t helper_table_copy(struct rt_instance *inst, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n)
{
    return rt_table_copy(inst->store, inst->tables[dt], inst->tables[st], d, s, n);
}

static uint32_t helper_table_init(struct rt_instance *inst, uint32_t seg, uint32_t table, uint32_t d, uint32_t s, uint32_t n)
{
    return rt_table_init(inst->store, inst->tables[table], &inst->elems[seg], d, s, n);
}

/* ---- SIMD: one calling convention for every pure operation ---- */

#define SIMD_UN(id)                                                                         \
    static void simd_h_##id(v128_t *r, const v128_t *a, const v128_t *b, const v128_t *c) \
    { (void)b; (void)c; *r = simd_##id(*a); }
#define SIMD_BIN(id)                                                                        \
    static void simd_h_##id(v128_t *r, const v128_t *a, const v128_t *b, const v128_t *c) \
    { (void)c; *r = simd_##id(*a, *b); }
#define SIMD_TER(id)                                                                        \
    static void simd_h_##id(v128_t *r, const v128_t *a, const v128_t *b, const v128_t *c) \
    { *r = simd_##id(*a, *b, *c); }
#define SIMD_SHIFT(id)                                                                      \
    static void simd_h_##id(v128_t *r, const v128_t *a, const v128_t *b, const v128_t *c) \
    { (void)c; *r = simd_##id(*a, b->u32[0]); }
#define SIMD_TEST(id)                                                                       \
    static void simd_h_##id(v128_t *r, const v128_t *a, const v128_t *b, const v128_t *c) \
    { (void)b; (void)c; memset(r, 0, sizeof *r); r->u32[0] = simd_##id(*a); }
#include "runtime/simd_ops.def"

/* ---- entering native code ---- */

/* Room kept below the native stack limit for host functions, the trap
 * path and signal handlers. */
#define NATIVE_STACK_RESERVE ((uintptr_t)192 << 10)

static __thread uintptr_t thread_stack_low;

static uintptr_t stack_limit(struct rt_store *s)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!thread_stack_low) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
        }
        /* Unknown bounds: assume the smallest common thread stack. */
        thread_stack_low = addr ? (uintptr_t)addr : here - ((uintptr_t)512 << 10);
    }
    uintptr_t floor = thread_stack_low + NATIVE_STACK_RESERVE;
    size_t want = s->max_stack_slots * sizeof(union slot);
    uintptr_t limit = here > want ? here - want : 0;
    return limit > floor ? limit : floor;
}

/* Run entry(fn, inst, slots) with a jump buffer for traps. */
static bool enter(struct rt_store *s, void (*entry)(void *, struct rt_instance *, union slot *), void *fn,
                  struct rt_instance *inst, union slot *slots)
{
    jmp_buf jb;
    void *volatile prev = s->native_jmp;
    volatile uintptr_t prev_limit = s->native_stack_limit;
    struct rt_store *volatile prev_store = native_store;
    if (!altstack_checked)
        ensure_altstack();
    if (!prev)
        s->native_stack_limit = stack_limit(s);
    s->native_jmp = &jb;
    native_store = s;
    if (setjmp(jb)) {
        s->native_jmp = prev;
        s->native_stack_limit = prev_limit;
        native_store = prev_store;
        return false;
    }
    entry(fn, inst, slots);
    s->native_jmp = prev;
    s->native_stack_limit = prev_limit;
    native_store = prev_store;
    return true;
}

bool rt_native_call(struct rt_store *s, struct rt_func *f, union slot *args_results)
{
    return enter(s, f->native_entry, f->native, f->inst, args_results);
}

bool rt_native_osr(struct rt_store *s, struct rt_func *f,
                   void (*entry)(void *, struct rt_instance *, union slot *), union slot *fp)
{
    return enter(s, entry, NULL, f->inst, fp);
}

/* ---- what the plugin links against ---- */

static const struct rt_tier_symbol symbols[] = {
    {"wisp_rt_trap", (void *)helper_trap},
    {"wisp_rt_check", (void *)helper_check},
    {"wisp_rt_call_slots", (void *)helper_call_slots},
    {"wisp_rt_memory_grow", (void *)helper_memory_grow},
    {"wisp_rt_memory_fill", (void *)helper_memory_fill},
    {"wisp_rt_memory_copy", (void *)helper_memory_copy},
    {"wisp_rt_memory_init", (void *)helper_memory_init},
    {"wisp_rt_data_drop", (void *)helper_data_drop},
    {"wisp_rt_elem_drop", (void *)helper_elem_drop},
    {"wisp_rt_table_grow", (void *)helper_table_grow},
    {"wisp_rt_table_fill", (void *)helper_table_fill},
    {"wisp_rt_table_copy", (void *)helper_table_copy},
    {"wisp_rt_table_init", (void *)helper_table_init},
    {"wisp_rt_type_sub", (void *)helper_type_sub},
    {"wisp_rt_throw", (void *)helper_throw},
    {"wisp_rt_throw_ref", (void *)helper_throw_ref},
    {"wisp_rt_caught", (void *)helper_caught},
    {"wisp_rt_exn_drop", (void *)helper_exn_drop},
    {"wisp_rt_resume", (void *)helper_resume},
    {"wisp_rt_personality", (void *)rt_native_personality},
#define SIMD_ANY(id) {"wisp_simd_" #id, (void *)simd_h_##id},
#define SIMD_UN SIMD_ANY
#define SIMD_BIN SIMD_ANY
#define SIMD_TER SIMD_ANY
#define SIMD_SHIFT SIMD_ANY
#define SIMD_TEST SIMD_ANY
#include "runtime/simd_ops.def"
#undef SIMD_ANY
};

const struct rt_tier_symbol *rt_native_symbols(size_t *n)
{
    *n = ARRAY_LEN(symbols);
    return symbols;
}
