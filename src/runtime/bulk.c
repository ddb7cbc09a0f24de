/* The bulk memory and table operations (memory.fill/copy/init,
 * table.fill/copy/init), one implementation for both tiers: the
 * interpreter calls them from its loop, and native code through its
 * helpers (native.c). Each checks the whole range first (a range out of
 * bounds traps before anything is written, as 2.0 requires), then charges
 * fuel by the bytes it moves, then acts; it returns 0 or the trap reason
 * (s->trap holds it too when fuel ran out). Addresses and lengths are
 * 64-bit, and with memory64 any u64: ranges are checked without a sum
 * that could wrap. */
#include "runtime/runtime.h"

/* [d, d + n) does not fit in size. */
static inline bool past(uint64_t d, uint64_t n, uint64_t size) { return n > size || d > size - n; }

static uint32_t charge(struct rt_store *s, uint64_t bytes)
{
    return !s->fuel_enabled || rt_charge_bulk(s, bytes) ? 0 : s->trap;
}

uint32_t rt_memory_fill(struct rt_store *s, struct rt_memory *m, uint64_t d, uint8_t val, uint64_t n)
{
    if (past(d, n, m->size))
        return TRAP_OOB_MEMORY;
    uint32_t r = charge(s, n);
    /* A memory of size 0 may have no mapping at all (data is NULL), and
     * NULL + 0 is undefined (found by fuzz_gen: seed
     * memory_fill_zero_length_null_base). */
    if (!r && n)
        memset(m->data + d, val, n);
    return r;
}

uint32_t rt_memory_copy(struct rt_store *s, struct rt_memory *dst, const struct rt_memory *src, uint64_t d,
                        uint64_t from, uint64_t n)
{
    if (past(d, n, dst->size) || past(from, n, src->size))
        return TRAP_OOB_MEMORY;
    uint32_t r = charge(s, n);
    if (!r && n)
        memmove(dst->data + d, src->data + from, n);
    return r;
}

uint32_t rt_memory_init(struct rt_store *s, struct rt_memory *m, const struct rt_data *seg, uint64_t d,
                        uint64_t from, uint64_t n)
{
    if (past(from, n, seg->len) || past(d, n, m->size))
        return TRAP_OOB_MEMORY;
    uint32_t r = charge(s, n);
    if (!r && n)
        memcpy(m->data + d, seg->bytes + from, n);
    return r;
}

uint32_t rt_table_fill(struct rt_store *s, struct rt_table *t, uint64_t i, void *v, uint64_t n)
{
    if (past(i, n, t->size))
        return TRAP_OOB_TABLE;
    uint32_t r = charge(s, n * sizeof *t->elems);
    for (uint64_t k = 0; !r && k < n; k++)
        t->elems[i + k] = v;
    return r;
}

uint32_t rt_table_copy(struct rt_store *s, struct rt_table *dst, const struct rt_table *src, uint64_t d,
                       uint64_t from, uint64_t n)
{
    if (past(d, n, dst->size) || past(from, n, src->size))
        return TRAP_OOB_TABLE;
    uint32_t r = charge(s, n * sizeof *dst->elems);
    if (!r && n)
        memmove(dst->elems + d, src->elems + from, n * sizeof *dst->elems);
    return r;
}

uint32_t rt_table_init(struct rt_store *s, struct rt_table *t, const struct rt_elem *seg, uint64_t d,
                       uint64_t from, uint64_t n)
{
    if (past(from, n, seg->count) || past(d, n, t->size))
        return TRAP_OOB_TABLE;
    uint32_t r = charge(s, n * sizeof *t->elems);
    if (!r && n)
        memcpy(t->elems + d, seg->items + from, n * sizeof *t->elems);
    return r;
}
