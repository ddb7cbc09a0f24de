/* witxgen: reads witx files and either prints a canonical dump (--dump) or
 * writes wisp's generated WASI C sources into a directory (--out DIR), or
 * test stubs of every implementation function into a file (--stubs FILE).
 * Usage: witxgen [--dump [--docs]] [--out DIR] [--stubs FILE] FILE.witx... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "witx.h"

static const char usage[] =
    "usage: witxgen --dump [--docs] FILE.witx...\n"
    "       witxgen --out DIR FILE.witx...\n"
    "       witxgen --stubs FILE.c FILE.witx...   (weak wasi_impl_* stubs, for tests)\n"
    "Files are loaded in order; module forms with the same name are merged.\n";

/* Writes via a temporary name and rename(), so a reader (make) never sees a
 * half-written file. */
static bool write_file(const char *dir, const char *name, const struct out *o)
{
    char path[4096], tmp[4200];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return false;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "witxgen: cannot write %s: %s\n", tmp, strerror(errno));
        return false;
    }
    bool ok = fwrite(o->data, 1, o->len, f) == o->len;
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "witxgen: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    return ok;
}

/* The test stubs, written to path (dir "." unless path has a slash). */
static int generate_stubs(const struct witx *w, const char *path, struct diag *d)
{
    struct out stubs = {0};
    bool ok = gen_stubs(w, &stubs, d);
    if (!ok) {
        fprintf(stderr, "%s\n", d->msg);
    } else {
        const char *slash = strrchr(path, '/');
        char dir[4096];
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
        ok = write_file(dir, slash ? slash + 1 : path, &stubs);
    }
    out_free(&stubs);
    return ok ? 0 : 1;
}

static int generate(const struct witx *w, const char *dir, struct diag *d)
{
    struct out types = {0}, impl = {0}, glue_h = {0}, glue_c = {0}, trace_h = {0}, trace_c = {0};
    bool ok = gen_types(w, &types, d) && gen_impl_header(w, &impl, d) &&
              gen_glue(w, &glue_h, &glue_c, d) && gen_trace(w, &trace_h, &trace_c, d);
    if (!ok)
        fprintf(stderr, "%s\n", d->msg);
    else
        ok = write_file(dir, "wasi_types.h", &types) && write_file(dir, "wasi_impl.h", &impl) &&
             write_file(dir, "wasi_glue.h", &glue_h) && write_file(dir, "wasi_glue.c", &glue_c) &&
             write_file(dir, "wasi_trace.h", &trace_h) &&
             write_file(dir, "wasi_trace.c", &trace_c);
    out_free(&types);
    out_free(&impl);
    out_free(&glue_h);
    out_free(&glue_c);
    out_free(&trace_h);
    out_free(&trace_c);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    bool dump = false, docs = false;
    const char *out_dir = NULL, *stubs = NULL;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dump") == 0) {
            dump = true;
        } else if (strcmp(argv[i], "--docs") == 0) {
            docs = true;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_dir = argv[++i];
        } else if (strcmp(argv[i], "--stubs") == 0 && i + 1 < argc) {
            stubs = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "witxgen: unknown option %s\n%s", argv[i], usage);
            return 2;
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc || dump == (out_dir != NULL || stubs != NULL)) {
        fputs(usage, stderr);
        return 2;
    }
    struct arena arena = {0};
    struct diag diag = {0};
    struct witx w = {.arena = &arena, .diag = &diag};
    int rc = 0;
    for (int i = first; i < argc && rc == 0; i++)
        if (!witx_load(&w, argv[i]))
            rc = 1;
    if (rc == 0 && !witx_finish(&w))
        rc = 1;
    if (rc != 0)
        fprintf(stderr, "%s\n", diag.msg);
    else if (dump)
        witx_dump(&w, stdout, docs);
    else {
        if (out_dir)
            rc = generate(&w, out_dir, &diag);
        if (rc == 0 && stubs)
            rc = generate_stubs(&w, stubs, &diag);
    }
    arena_free(&arena);
    return rc;
}
