/* witxgen's s-expression layer: an arena for the tool's allocations, error
 * reporting as file:line:col, and a reader that turns witx text into a tree
 * with `;;;` doc comments attached to the node that follows them. */
#ifndef WITXGEN_SEXPR_H
#define WITXGEN_SEXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Everything the tool allocates lives until the end of the run, so one arena
 * freed at exit keeps the parser free of ownership bookkeeping. */
struct arena {
    struct arena_block *blocks;
};
void *arena_alloc(struct arena *a, size_t n);                 /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* Grows an arena-backed array by one slot; old storage is simply abandoned. */
#define ARENA_PUSH(arena, items, count, cap)                                  \
    (((count) >= (cap) ? arena_grow((arena), (void **)&(items), &(cap),       \
                                    sizeof(*(items)), (count))                \
                       : (void)0),                                            \
     &(items)[(count)++])
void arena_grow(struct arena *a, void **items, uint32_t *cap, size_t elem, uint32_t count);

/* A source position. file points at an arena string. */
struct pos {
    const char *file;
    uint32_t line, col;
};

/* The first error wins; later ones are dropped so the message points at the
 * root cause. */
struct diag {
    bool failed;
    char msg[1024];
};
bool diag_at(struct diag *d, struct pos at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));   /* returns false */

enum sx_kind { SX_LIST, SX_ATOM, SX_STRING };

struct sx {
    enum sx_kind kind;
    struct pos pos;
    const char *text;   /* atom text or decoded string, NUL-terminated */
    uint32_t len;       /* its length (a string may hold NUL bytes) */
    struct sx **items;  /* list elements */
    uint32_t count;
    const char *doc;    /* `;;;` lines before this node, joined by '\n'; or NULL */
};

/* Parses every top-level form of one file. */
bool sx_read(struct arena *a, const char *file, const char *text, size_t len,
             struct sx ***forms, uint32_t *count, struct diag *d);

/* Small predicates used throughout the witx parser. */
bool sx_is_atom(const struct sx *s, const char *text);
bool sx_is_id(const struct sx *s);            /* an atom starting with '$' */
bool sx_head_is(const struct sx *s, const char *head);       /* (head ...) */
bool sx_annot_is(const struct sx *s, const char *ns, const char *name); /* (@ns name ...) */

#endif
