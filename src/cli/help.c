/* The help texts: `wisp --help` gives the overview, `wisp help CMD` and
 * `wisp CMD --help` one command's page. */
#include <string.h>

#include "cli/cli.h"

static const char overview[] =
    "usage: wisp <command> [options] [files]\n"
    "       wisp [run options] FILE [ARGS...]     (the same as wisp run)\n"
    "\n"
    "commands:\n"
    "  run [OPTIONS] FILE [ARGS...]  run a module with WASI preview1 (the default)\n"
    "  validate FILE...              decode and validate .wasm/.wat files\n"
    "  wat2wasm IN.wat -o OUT.wasm   translate WebAssembly text to binary\n"
    "  wast [-v] FILE...             run .wast spec scripts\n"
    "  info FILE                     list a module's imports and exports\n"
    "  compile FILE [-o OUT.cwasm]   compile ahead of time (run with --allow-precompiled)\n"
    "  help [COMMAND]                this overview, or a command's options\n"
    "\n"
    "options:\n"
    "  -h, --help                    show this help (wisp CMD --help: that command's)\n"
    "  --version                     show the version\n"
    "\n"
    "A file named *.wasm is binary, *.wat and *.wast are text; other names are\n"
    "told apart by content, and - reads standard input.\n"
    "\n"
    "exit status:\n"
    "  0        success\n"
    "  1        invalid module, failed tests, a module that does not load or link,\n"
    "           or a program that exited with a status outside 0-125 (reported)\n"
    "  2        usage error (unknown option, missing file, bad argument, unknown export)\n"
    "  0-125    wisp run: the status the program passed to proc_exit\n"
    "  134      wisp run: the program trapped (including \"all fuel consumed\",\n"
    "           \"interrupt\" and \"call stack exhausted\")\n"
    "  128+N    wisp run: the program raised fatal signal N (proc_raise; reported)\n"
    "\n"
    "Run options: wisp help run.\n";

static const char run_page[] =
    "usage: wisp run [OPTIONS] FILE [ARGS...]\n"
    "       wisp run [OPTIONS] FILE --invoke NAME [ARGS...]\n"
    "       wisp [OPTIONS] FILE [ARGS...]\n"
    "\n"
    "Instantiates FILE with WASI preview1 and calls _start with ARGS as the\n"
    "program's arguments (argv[0] is FILE, or --argv0). A module without _start\n"
    "runs its start function (and _initialize, if exported) and exits 0. With\n"
    "--invoke NAME it calls that export with ARGS as typed arguments and prints\n"
    "its results. Options go before FILE; --invoke NAME may also directly follow\n"
    "it. Every long option also takes the form --name=value.\n"
    "\n"
    "options:\n"
    "  --invoke NAME               the export to call\n"
    "  --dir HOST[::GUEST]         let the program use directory HOST, named GUEST\n"
    "                              (default: HOST); repeatable. Nothing else of the\n"
    "                              host file system is reachable.\n"
    "  --dir-ro HOST[::GUEST]      the same, read-only: no writes, truncation, creation,\n"
    "                              removal, renames or links under it\n"
    "  --env NAME=VALUE            set an environment variable for the program;\n"
    "                              --env NAME passes wisp's own NAME (skipped with a\n"
    "                              warning when it is not set)\n"
    "  --argv0 NAME                the program's argv[0] (default: FILE)\n"
    "  --preload NAME=PATH         instantiate the module at PATH first and let FILE\n"
    "                              import its exports from module NAME; repeatable\n"
    "  --profile=guest[,PATH[,INTERVAL]]\n"
    "                              sample the wasm call stack every INTERVAL (default\n"
    "                              10ms) and write a Firefox Profiler file to PATH\n"
    "                              (default wisp-guest-profile.json)\n"
    "  --profile=flamegraph[,PATH[,INTERVAL]]\n"
    "                              the same as an SVG flame graph (default\n"
    "                              wisp-flamegraph.svg)\n"
    "  --tcplisten ADDR:PORT       listen on a TCP socket and hand it to the program\n"
    "                              as its next fd (after stdio and the --dirs)\n"
    "  --trace-wasi                print every WASI call and its result on stderr\n"
    "                              (also WISP_LOG=wasi=trace)\n"
    "  --max-call-depth N          deepest wasm call nesting before \"call stack\n"
    "                              exhausted\" (default 10000)\n"
    "  -S KEY[=VALUE][,...]        WASI options, as Wasmtime spells them (repeatable):\n"
    "     inherit-env[=y|n]        pass all of wisp's environment to the program\n"
    "     inherit-stdin[=y|n]      the program's stdin is wisp's (n: empty, /dev/null);\n"
    "     inherit-stdout[=y|n]     likewise stdout and stderr (n: discarded)\n"
    "     inherit-stderr[=y|n]\n"
    "     tcplisten=ADDR:PORT      as --tcplisten\n"
    "     cli[=y]                  the WASI command-line interface (always on)\n"
    "  -W KEY=VALUE[,...]          resource limits and Wasm features, as Wasmtime spells\n"
    "                              them (repeatable):\n"
    "     fuel=N                   run at most N fuel units (about N instructions), then\n"
    "                              trap with \"all fuel consumed\"\n"
    "     timeout=DURATION         trap with \"interrupt\" after DURATION (500ms, 2s, 1m)\n"
    "     max-memory-size=BYTES    a memory may not grow past BYTES (K, M, G suffixes);\n"
    "                              memory.grow returns -1\n"
    "     max-table-elements=N     a table may not grow past N elements\n"
    "     max-wasm-stack=BYTES     wisp's value stack for wasm calls (default 8M); with\n"
    "                              --max-call-depth, the first reached traps with\n"
    "                              \"call stack exhausted\". Native code has no depth\n"
    "                              limit: its frames must fit in max-wasm-stack (and\n"
    "                              in the thread's own stack)\n"
    "                              Long forms: --fuel N, --timeout D, --max-memory-size B,\n"
    "                              --max-table-elements N, --max-wasm-stack B.\n"
    "     extended-const=y|n, tail-call=y|n,\n"
    "     relaxed-simd=y|n, multi-memory=y|n,\n"
    "     memory64=y|n, exceptions=y|n\n"
    "                              Wasm 3.0 features, each on by default: n holds\n"
    "                              modules to the spec before it\n"
    "  -C KEY=VALUE[,...]          code generation (also --codegen):\n"
    "     tier=auto|interp|compiled  auto (the default): start in the interpreter and\n"
    "                              move hot functions and loops to native code compiled\n"
    "                              in the background; compiled: compile every function\n"
    "                              first (one it cannot compile is an error, never run\n"
    "                              by the interpreter instead); interp: never compile.\n"
    "                              Also WISP_TIER=... when -C does not say.\n"
    "     cache=y|n                keep compiled code in $XDG_CACHE_HOME/wisp (default y)\n"
    "  -O signals-based-traps=y|n  y (default): memories have guard regions and compiled\n"
    "                              code no bounds checks; n: explicit checks\n"
    "  -O memory-huge-pages=y|n    y (default): memories are advised to use transparent\n"
    "                              huge pages; n: 4 KiB pages only (-O takes KEY=VALUE,...)\n"
    "  --allow-precompiled         FILE may be precompiled code from wisp compile\n"
    "  -h, --help                  show this help\n"
    "  --                          end of options\n"
    "\n"
    "--invoke arguments: i32/i64 as decimal or 0x hex; f32/f64 as decimal, hex\n"
    "float, inf, -inf, nan or nan:0xPAYLOAD; v128 as 0x and 32 hex digits (one\n"
    "128-bit number, lane 0 rightmost); references as ref.null. Results print one\n"
    "per line in the same forms (integers signed). A trap prints \"wisp: trap:\n"
    "REASON\" and a backtrace, innermost frame first, on stderr.\n"
    "\n"
    "exit status: the program's proc_exit status when it is 0-125; 1 for a\n"
    "module that does not load or link, or a status outside 0-125 (reported);\n"
    "2 usage errors; 134 a trap; 128+N a fatal signal N raised by the program.\n";

static const char validate_page[] =
    "usage: wisp validate FILE...\n"
    "\n"
    "Decodes and validates each module (.wasm binary, .wat text, - for standard\n"
    "input). Silent when all are valid; one line per invalid file, naming the\n"
    "file, the byte offset or line and column, and the function.\n"
    "\n"
    "exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file.\n";

static const char wat2wasm_page[] =
    "usage: wisp wat2wasm IN.wat -o OUT.wasm\n"
    "\n"
    "Translates one module from WebAssembly text to binary, with a name section.\n"
    "\n"
    "options:\n"
    "  -o FILE, --output FILE      where to write the binary\n"
    "\n"
    "exit status: 0 written, 1 the text does not parse, 2 usage error.\n";

static const char wast_page[] =
    "usage: wisp wast [-v] [-C KEY=VALUE] [-O KEY=VALUE] [-W FEATURE=y|n] FILE...\n"
    "\n"
    "Runs .wast spec test scripts and ends with \"N passed, N failed, N skipped\".\n"
    "A command that cannot be read, or that needs a module that failed, fails\n"
    "and says why; the script goes on with the next command.\n"
    "\n"
    "options:\n"
    "  -v, --verbose               report every command, not only failures\n"
    "  -C tier=auto|interp|compiled, -C cache=y|n, -O signals-based-traps=y|n,\n"
    "  -O memory-huge-pages=y|n\n"
    "                              as for wisp run (WISP_TIER too)\n"
    "  -W FEATURE=y|n              a Wasm 3.0 feature on or off, as for wisp run\n"
    "\n"
    "exit status: 0 no failures, 1 failures, 2 usage error or unreadable file.\n";

static const char info_page[] =
    "usage: wisp info FILE\n"
    "\n"
    "Lists the module's imports and exports with their kinds.\n"
    "\n"
    "exit status: 0 listed, 1 invalid module, 2 usage error or unreadable file.\n";

static const char compile_page[] =
    "usage: wisp compile [-W KEY=VALUE] [-O KEY=VALUE] FILE [-o OUT]\n"
    "\n"
    "Compiles a module to native code ahead of time and writes it, with the\n"
    "module, to OUT (default: FILE with the extension .cwasm). wisp run runs\n"
    "such a file only with --allow-precompiled: precompiled code is trusted\n"
    "code. It runs on this CPU with this build of wisp, and with the options\n"
    "it was compiled with: give -W fuel/timeout and -O signals-based-traps\n"
    "here as you will give them to run.\n"
    "\n"
    "options:\n"
    "  -o FILE, --output FILE      where to write it\n"
    "  -W fuel=N, -W timeout=D     compile the check points these need\n"
    "  -O signals-based-traps=y|n  as for wisp run\n"
    "\n"
    "exit status: 0 written, 1 the module is invalid or cannot be compiled,\n"
    "2 usage error, unreadable input or unwritable output.\n";

static const char help_page[] =
    "usage: wisp help [COMMAND]\n"
    "\n"
    "Shows the overview, or the options of COMMAND (run, validate, wat2wasm,\n"
    "wast, info, compile); the same as wisp COMMAND --help.\n";

static const struct { const char *name, *text; } pages[] = {
    {"run", run_page},   {"validate", validate_page}, {"wat2wasm", wat2wasm_page},
    {"wast", wast_page}, {"info", info_page},         {"help", help_page},
    {"compile", compile_page},
};

void help_overview(FILE *out) { fputs(overview, out); }

bool help_command(const char *cmd, FILE *out)
{
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (strcmp(pages[i].name, cmd) == 0) {
            fputs(pages[i].text, out);
            return true;
        }
    }
    return false;
}
