/* The guest profiler's API (wisp_store_profile_*) and its two outputs: a
 * Firefox Profiler file and an SVG flame graph. The sampling itself is
 * src/runtime/profile.c. */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "runtime/profile.h"

bool wisp_store_profile_start(wisp_store *store, uint64_t interval_ns, wisp_error *err)
{
    if (!store->rt->checks)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1,
                       "guest profiling needs interruptible code: create the engine with "
                       "wisp_config_interruptible");
    if (!interval_ns)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1, "the sampling interval must be above zero");
    if (store->rt->profile)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1, "this store is already being profiled");
    if (!rt_profile_start(store->rt, interval_ns))
        return err_set(err, WISP_ERR_IO, -1, "cannot start the profiler's sampling thread");
    return true;
}

/* ---- names ---- */

/* Each node's function name, as shown in backtraces. */
static char **node_names(const struct rt_profile_data *d)
{
    char **names = xcalloc(d->nnodes ? d->nnodes : 1, sizeof *names);
    for (uint32_t i = 0; i < d->nnodes; i++) {
        char buf[256];
        const char *n = rt_func_describe(d->nodes[i].func, buf, sizeof buf);
        names[i] = xstrndup(n, strlen(n));
    }
    return names;
}

static void free_names(char **names, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* s as the contents of a JSON string. Names should be UTF-8; any that is
 * not has its other bytes written as U+FFFD. */
static void json_string(FILE *f, const char *s)
{
    bool valid = utf8_valid((const uint8_t *)s, strlen(s));
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else if (*p >= 0x80 && !valid)
            fputs("\\ufffd", f);
        else
            fputc(*p, f);
    }
}

/* s as XML character data (or an attribute value). */
static void xml_text(FILE *f, const char *s)
{
    bool valid = utf8_valid((const uint8_t *)s, strlen(s));
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if (*p < 0x20 || (*p >= 0x80 && !valid))
                fputs("&#xfffd;", f);
            else
                fputc(*p, f);
        }
    }
}

/* Node indices by function (nodes: the profile's nodes). */
static int by_func(const void *a, const void *b, void *nodes)
{
    const struct rt_profile_node *n = nodes;
    uintptr_t x = (uintptr_t)n[*(const uint32_t *)a].func, y = (uintptr_t)n[*(const uint32_t *)b].func;
    return x < y ? -1 : x > y;
}

/* ---- the Firefox Profiler ----
 * Its import format ("Gecko profile", version 27): one thread whose
 * string table holds the function names, one frame per function, the
 * stack table the profile's tree (prefix = the caller's row), and a
 * sample per stack with its time in milliseconds since meta.startTime.
 * The profiler converts it to its own processed format when it loads. */
static void write_firefox(FILE *f, const struct rt_profile_data *d, char **names)
{
    /* One string and one frame per function: the nodes sorted by
     * function, each run of one function a frame. */
    uint32_t n = d->nnodes ? d->nnodes : 1, nframes = 0;
    uint32_t *order = xcalloc(n, sizeof *order), *frame_of = xcalloc(n, sizeof *frame_of);
    uint32_t *frame_node = xcalloc(n, sizeof *frame_node);
    for (uint32_t i = 0; i < d->nnodes; i++)
        order[i] = i;
    qsort_r(order, d->nnodes, sizeof *order, by_func, (void *)d->nodes);
    for (uint32_t i = 0; i < d->nnodes; i++) {
        if (i == 0 || d->nodes[order[i]].func != d->nodes[order[i - 1]].func)
            frame_node[nframes++] = order[i];
        frame_of[order[i]] = nframes - 1;
    }
    free(order);
    fprintf(f, "{\"meta\":{\"version\":27,\"startTime\":%.3f,\"shutdownTime\":null,"
               "\"interval\":%.3f,\"stackwalk\":1,\"debug\":0,\"gcpoison\":0,\"asyncstack\":0,"
               "\"processType\":0,\"product\":\"wisp (WebAssembly guest)\",\"presymbolicated\":true,"
               "\"categories\":[{\"name\":\"WebAssembly\",\"color\":\"blue\",\"subcategories\":[\"Other\"]},"
               "{\"name\":\"Other\",\"color\":\"grey\",\"subcategories\":[\"Other\"]}],"
               "\"markerSchema\":[],\"sampleUnits\":{\"time\":\"ms\",\"eventDelay\":\"ms\"}},",
            d->start_unix_ms, d->interval_ms);
    fprintf(f, "\"libs\":[],\"pausedRanges\":[],\"processes\":[],\"threads\":[{\"name\":\"wasm\","
               "\"processType\":\"default\",\"processName\":\"wisp\",\"registerTime\":0,"
               "\"unregisterTime\":%.3f,\"tid\":1,\"pid\":1,", d->end_ms);
    fputs("\"markers\":{\"schema\":{\"name\":0,\"startTime\":1,\"endTime\":2,\"phase\":3,\"category\":4,"
          "\"data\":5},\"data\":[]},", f);
    fputs("\"samples\":{\"schema\":{\"stack\":0,\"time\":1,\"eventDelay\":2},\"data\":[", f);
    for (uint32_t i = 0; i < d->nsamples; i++)
        fprintf(f, "%s[%u,%.3f,0]", i ? "," : "", d->samples[i].node, d->samples[i].ms);
    fputs("]},\"frameTable\":{\"schema\":{\"location\":0,\"relevantForJS\":1,\"innerWindowID\":2,"
          "\"implementation\":3,\"line\":4,\"column\":5,\"category\":6,\"subcategory\":7},\"data\":[", f);
    for (uint32_t k = 0; k < nframes; k++)
        fprintf(f, "%s[%u,false,0,null,null,null,0,0]", k ? "," : "", k);
    fputs("]},\"stackTable\":{\"schema\":{\"prefix\":0,\"frame\":1},\"data\":[", f);
    for (uint32_t i = 0; i < d->nnodes; i++) {
        if (d->nodes[i].parent == RT_PROFILE_ROOT)
            fprintf(f, "%s[null,%u]", i ? "," : "", frame_of[i]);
        else
            fprintf(f, "%s[%u,%u]", i ? "," : "", d->nodes[i].parent, frame_of[i]);
    }
    fputs("]},\"stringTable\":[", f);
    for (uint32_t k = 0; k < nframes; k++) {
        fputs(k ? ",\"" : "\"", f);
        json_string(f, names[frame_node[k]]);
        fputc('"', f);
    }
    fputs("]}]}\n", f);
    free(frame_of);
    free(frame_node);
}

/* ---- the flame graph ---- */

#define FG_WIDTH 1200.0
#define FG_ROW 17.0
#define FG_TOP 44.0

struct fg {
    FILE *f;
    const struct rt_profile_data *d;
    char **names;
    uint32_t *count;         /* per node: samples at it or above it */
    uint32_t **kids;         /* per node: its callees, by name */
    uint32_t *nkids;
    uint32_t roots_n, *roots;
    uint32_t total, depth;
    double scale;            /* pixels per sample */
};

/* Node indices by function name (names: one per node). */
static int by_name(const void *a, const void *b, void *names)
{
    char *const *n = names;
    return strcmp(n[*(const uint32_t *)a], n[*(const uint32_t *)b]);
}

/* A warm colour from the name, so a function keeps its colour. */
static void colour(const char *name, unsigned *r, unsigned *g, unsigned *b)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    *r = 205 + h % 50;
    *g = 80 + (h >> 8) % 150;
    *b = 40 + (h >> 16) % 50;
}

static void fg_box(struct fg *g, uint32_t node, double x, uint32_t level)
{
    double w = g->count[node] * g->scale;
    double y = FG_TOP + (double)(g->depth - 1 - level) * FG_ROW;
    unsigned r, gr, b;
    colour(g->names[node], &r, &gr, &b);
    fprintf(g->f, "<g><title>");
    xml_text(g->f, g->names[node]);
    fprintf(g->f, " (%u samples, %.2f%%)</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
                  "fill=\"rgb(%u,%u,%u)\" rx=\"2\"/>",
            g->count[node], 100.0 * g->count[node] / g->total, x, y, w > 0.5 ? w - 0.5 : w, FG_ROW - 1, r, gr, b);
    /* The name where it fits (about 7 pixels a character). */
    size_t fit = w > 14 ? (size_t)((w - 6) / 7) : 0, len = strlen(g->names[node]);
    if (fit >= 3) {
        char *label = xstrndup(g->names[node], len);
        if (len > fit) {
            /* Cut on a character boundary, then "..". */
            size_t cut = fit - 2;
            while (cut > 0 && ((unsigned char)label[cut] & 0xc0) == 0x80)
                cut--;
            strcpy(label + cut, "..");
        }
        fprintf(g->f, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + FG_ROW - 5);
        xml_text(g->f, label);
        fputs("</text>", g->f);
        free(label);
    }
    fputs("</g>\n", g->f);
    double cx = x;
    for (uint32_t k = 0; k < g->nkids[node]; k++) {
        uint32_t c = g->kids[node][k];
        fg_box(g, c, cx, level + 1);
        cx += g->count[c] * g->scale;
    }
}

static void write_flamegraph(FILE *f, const struct rt_profile_data *d, char **names)
{
    struct fg g = {.f = f, .d = d, .names = names, .total = d->nsamples};
    uint32_t n = d->nnodes ? d->nnodes : 1;
    g.count = xcalloc(n, sizeof *g.count);
    g.kids = xcalloc(n, sizeof *g.kids);
    g.nkids = xcalloc(n, sizeof *g.nkids);
    g.roots = xcalloc(n, sizeof *g.roots);
    uint32_t *level = xcalloc(n, sizeof *level);
    /* Parents come before their children in the node table. */
    for (uint32_t i = 0; i < d->nnodes; i++) {
        uint32_t p = d->nodes[i].parent;
        level[i] = p == RT_PROFILE_ROOT ? 0 : level[p] + 1;
        if (level[i] + 1 > g.depth)
            g.depth = level[i] + 1;
        if (p == RT_PROFILE_ROOT) {
            g.roots[g.roots_n++] = i;
        } else {
            g.kids[p] = xrealloc(g.kids[p], (g.nkids[p] + 1) * sizeof *g.kids[p]);
            g.kids[p][g.nkids[p]++] = i;
        }
    }
    for (uint32_t i = 0; i < d->nsamples; i++)
        for (uint32_t k = d->samples[i].node; k != RT_PROFILE_ROOT; k = d->nodes[k].parent)
            g.count[k]++;
    qsort_r(g.roots, g.roots_n, sizeof *g.roots, by_name, names);
    for (uint32_t i = 0; i < d->nnodes; i++)
        if (g.nkids[i])
            qsort_r(g.kids[i], g.nkids[i], sizeof *g.kids[i], by_name, names);
    g.depth += 1; /* a row for "all" */
    g.scale = g.total ? (FG_WIDTH - 20) / g.total : 0;
    double height = FG_TOP + g.depth * FG_ROW + 30;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"Verdana, sans-serif\" font-size=\"12\">\n"
               "<style>rect:hover { stroke: black; stroke-width: 1; } text { pointer-events: none; }</style>\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"#fbfaf5\"/>\n"
               "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">wisp guest profile: "
               "%u samples, one every %.3g ms</text>\n",
            FG_WIDTH, height, FG_WIDTH, height, FG_WIDTH / 2, g.total, d->interval_ms);
    if (g.total) {
        /* "all" at the bottom, the outermost frames on it. */
        double y = FG_TOP + (double)(g.depth - 1) * FG_ROW;
        fprintf(f, "<g><title>all (%u samples, 100%%)</title><rect x=\"10\" y=\"%.1f\" width=\"%.2f\" "
                   "height=\"%.1f\" fill=\"rgb(220,210,200)\" rx=\"2\"/><text x=\"13\" y=\"%.1f\">all</text></g>\n",
                g.total, y, FG_WIDTH - 20, FG_ROW - 1, y + FG_ROW - 5);
        double x = 10;
        g.depth -= 1; /* the functions' rows sit above "all" */
        for (uint32_t k = 0; k < g.roots_n; k++) {
            fg_box(&g, g.roots[k], x, 0);
            x += g.count[g.roots[k]] * g.scale;
        }
    } else {
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">(no samples: the guest ran for less "
                   "than one interval, or never reached a function entry or loop)</text>\n",
                FG_WIDTH / 2, FG_TOP + 20);
    }
    fputs("</svg>\n", f);
    for (uint32_t i = 0; i < d->nnodes; i++)
        free(g.kids[i]);
    free(g.kids);
    free(g.nkids);
    free(g.count);
    free(g.roots);
    free(level);
}

bool wisp_store_profile_write(wisp_store *store, wisp_profile_format format, const char *path, wisp_error *err)
{
    struct rt_profile_data d;
    if (!rt_profile_data(store->rt, &d))
        return err_set(err, WISP_ERR_UNSUPPORTED, -1, "this store was not profiled (wisp_store_profile_start)");
    if (format != WISP_PROFILE_FIREFOX && format != WISP_PROFILE_FLAMEGRAPH)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1, "unknown profile format %d", (int)format);
    FILE *f = fopen(path, "w");
    if (!f)
        return err_set(err, WISP_ERR_IO, -1, "cannot write the profile to %s: %s", path, strerror(errno));
    char **names = node_names(&d);
    if (format == WISP_PROFILE_FIREFOX)
        write_firefox(f, &d, names);
    else
        write_flamegraph(f, &d, names);
    free_names(names, d.nnodes);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        return err_set(err, WISP_ERR_IO, -1, "cannot write the profile to %s: %s", path, strerror(errno));
    return true;
}
