/* The guest profiler's data (profile.c), for the writers (api/profile.c).
 * Stacks are nodes of a tree, each (caller node, function); a sample is
 * a time and the node of its innermost frame. */
#ifndef WISP_RUNTIME_PROFILE_H
#define WISP_RUNTIME_PROFILE_H

#include "runtime/runtime.h"

#define RT_PROFILE_ROOT UINT32_MAX

struct rt_profile_node {
    uint32_t parent;      /* RT_PROFILE_ROOT for an outermost frame */
    struct rt_func *func;
};

struct rt_profile_sample {
    double ms;            /* since the profile started */
    uint32_t node;
};

/* What the profiler collected; stable once sampling has stopped. */
struct rt_profile_data {
    const struct rt_profile_node *nodes;
    uint32_t nnodes;
    const struct rt_profile_sample *samples;
    uint32_t nsamples;
    double interval_ms;
    double start_unix_ms; /* when the profile started, as Unix time */
    double end_ms;        /* when sampling stopped, since the start */
};

/* The data of s's profile (sampling stopped first), or false if none. */
bool rt_profile_data(struct rt_store *s, struct rt_profile_data *out);

#endif
