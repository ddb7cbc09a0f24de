/* Throwing through native code (native_eh.c). */
#ifndef WISP_RUNTIME_NATIVE_EH_H
#define WISP_RUNTIME_NATIVE_EH_H

#include <stdint.h>
#include <unwind.h>

/* Unwind to the innermost landing pad among the frames below bound (the
 * innermost entry's stack address) and never return; return at once if
 * there is none (the caller then leaves by the trap path). The pending
 * exception is the store's (s->exn). */
void rt_native_raise(uintptr_t bound);

/* The personality routine the compiled code's unwind tables name
 * (wisp_rt_personality). */
_Unwind_Reason_Code rt_native_personality(int version, _Unwind_Action actions, uint64_t cls,
                                          struct _Unwind_Exception *ue, struct _Unwind_Context *ctx);

#endif
