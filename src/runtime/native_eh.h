/* Throwing through native code (native_eh.c). */
#ifndef WISP_RUNTIME_NATIVE_EH_H
#define WISP_RUNTIME_NATIVE_EH_H

#include <stdbool.h>
#include <stdint.h>
#include <unwind.h>

/* Whether the call that returns to ret in compiled code has a landing
 * pad (it is an invoke inside a try body). */
bool rt_native_has_landing_pad(uintptr_t ret);
/* Unwind to the frame whose stack pointer at its current call is sp (what
 * libgcc's _Unwind_GetCFA gives for it: the canonical frame address of the
 * callee), which has a landing pad at that call, and never return; return
 * at once, having changed nothing, if the unwinder does not get there
 * below bound (the innermost entry's stack address). The pending exception
 * is the store's (s->exn). */
void rt_native_unwind_to(uintptr_t sp, uintptr_t bound);

/* The personality routine the compiled code's unwind tables name
 * (wisp_rt_personality). */
_Unwind_Reason_Code rt_native_personality(int version, _Unwind_Action actions, uint64_t cls,
                                          struct _Unwind_Exception *ue, struct _Unwind_Context *ctx);

#endif
