/* Loading compiled code: an ELF relocatable object, as the compiled tier's
 * plugin emits it and the code cache and .cwasm files store it, mapped into
 * memory and linked by wisp itself (native_image.c), so that code from the
 * cache runs without loading LLVM at all.
 *
 * The object is trusted: it comes from wisp's own code generator, through
 * the cache (keyed by the module, wisp's build and the CPU) or a file the
 * user vouched for with --allow-precompiled. The loader still checks every
 * offset and size against the object before it uses it, so a truncated or
 * damaged file is an error, never a crash. */
#ifndef WISP_RUNTIME_NATIVE_IMAGE_H
#define WISP_RUNTIME_NATIVE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/tier_plugin.h"

struct rt_native_image;

/* Map and link obj. Undefined symbols resolve to the runtime's helpers
 * (syms), then to the C library. NULL with a reason in why on failure. */
struct rt_native_image *rt_native_image_load(const uint8_t *obj, size_t len, const struct rt_tier_symbol *syms,
                                             size_t nsyms, char *why, size_t size);
/* A defined symbol's address and size, or 0 when there is none. */
uintptr_t rt_native_image_symbol(const struct rt_native_image *img, const char *name, size_t *size);
/* The size of the function symbol at addr, 0 when none is known. */
size_t rt_native_image_size_at(const struct rt_native_image *img, uintptr_t addr);
/* The range of the executable code. */
void rt_native_image_text(const struct rt_native_image *img, uintptr_t *start, uintptr_t *end);
void rt_native_image_free(struct rt_native_image *img);

#endif
