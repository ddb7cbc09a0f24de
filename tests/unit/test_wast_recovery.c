/* Unit tests for the .wast script parser's recovery: a command it cannot
 * read or does not know becomes one WC_BROKEN command at its position, and
 * parsing goes on after it; only a form never closed ends the script. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wast/script.h"

static struct wast_script script;

static void parse(const char *text)
{
    wast_script_free(&script);
    wast_parse(text, strlen(text), "t.wast", &script);
}

/* The kinds of the commands as letters: m module, r assert_return, x
 * broken, ... */
static const char *kinds(void)
{
    static char out[64];
    static const char letters[] = {
        [WC_MODULE] = 'm', [WC_MODULE_INSTANCE] = 'i', [WC_REGISTER] = 'g', [WC_ACTION] = 'a',
        [WC_ASSERT_RETURN] = 'r', [WC_ASSERT_TRAP] = 't', [WC_ASSERT_EXHAUSTION] = 'e',
        [WC_ASSERT_EXCEPTION] = 'c', [WC_ASSERT_MALFORMED] = 'M', [WC_ASSERT_INVALID] = 'I',
        [WC_ASSERT_UNLINKABLE] = 'U', [WC_ASSERT_UNINSTANTIABLE] = 'T', [WC_BROKEN] = 'x',
    };
    uint32_t n = 0;
    for (; n < script.ncommands && n < sizeof out - 1; n++)
        out[n] = letters[script.commands[n].kind];
    out[n] = 0;
    return out;
}

static bool broken_at(uint32_t i, uint32_t line, uint32_t col, const char *keyword, const char *text)
{
    if (i >= script.ncommands)
        return false;
    const struct wast_command *c = &script.commands[i];
    bool ok = c->kind == WC_BROKEN && c->line == line && c->col == col &&
              (keyword ? c->keyword && strcmp(c->keyword, keyword) == 0 : !c->keyword) && c->text &&
              strcmp(c->text, text) == 0;
    if (!ok)
        printf("  command %u: kind %u at %u:%u, keyword %s, text \"%s\"\n", i, c->kind, c->line, c->col,
               c->keyword ? c->keyword : "(none)", c->text ? c->text : "");
    return ok;
}

int main(void)
{
    parse("(module)\n(assert_teapot 1 (2 \")\") 3)\n(invoke \"f\")");
    CHECK("unknown command: kept in place, then the next", strcmp(kinds(), "mxa") == 0);
    CHECK("unknown command: name, position, reason", broken_at(1, 2, 1, "assert_teapot", "unknown command"));

    parse("(assert_return (invoke \"f\") (i32.const 1) extra)\n  (assert_return (invoke \"f\"))");
    CHECK("unreadable command: then the next", strcmp(kinds(), "xr") == 0);
    CHECK("unreadable command: where in it", broken_at(0, 1, 1, "assert_return", "cannot read it: 1:43: unexpected token extra"));

    parse("(invoke \"f\" (i32.const 1\xff))\n(invoke \"g\")");
    CHECK("lexical error inside a command: then the next", strcmp(kinds(), "xa") == 0);
    CHECK("lexical error inside a command: its reason",
          broken_at(0, 1, 1, "invoke", "cannot read it: 1:25: malformed UTF-8 encoding"));

    parse("(invoke \"f\" \"unclosed)\n)\n(invoke \"g\")");
    CHECK("a string never closed ends at its line", strcmp(kinds(), "xa") == 0);

    parse("(assert_malformed (module (func \"\\ff\" \xff)) \"x\")\n(invoke \"g\")");
    CHECK("lexical error in a module: the module is malformed, the command stands", strcmp(kinds(), "Ma") == 0 &&
          !script.commands[0].module.parse_ok);

    parse("junk ) (invoke \"f\")");
    CHECK("atoms and stray parentheses at the top: one command each", strcmp(kinds(), "xxa") == 0);
    CHECK("an atom at the top", broken_at(0, 1, 1, NULL, "cannot read it: 1:1: a command must start with \"(\""));

    parse("(script $s (module))\n(output \"x.wasm\")");
    CHECK("meta commands: not supported", broken_at(0, 1, 1, "script", "meta command not supported") &&
          broken_at(1, 2, 1, "output", "meta command not supported"));

    parse("(module)\n(invoke \"f\"\n(invoke \"g\")");
    CHECK("a form never closed: the last command", strcmp(kinds(), "mx") == 0);
    CHECK("a form never closed: where it opens",
          broken_at(1, 2, 1, "invoke",
                    "the script cannot be read past here: 2:1: unexpected end: this \"(\" is never closed"));

    parse("(module)\n(; never closed (invoke \"f\")");
    CHECK("a comment never closed ends the script", strcmp(kinds(), "mx") == 0 && broken_at(1, 2, 1, NULL,
          "the script cannot be read past here: 2:1: unclosed comment"));

    parse("(module definition $d (func))\n(module instance $i $\"d\")\n(module instance)\n"
          "(assert_exception (invoke $i \"f\"))\n(register \"r\" $i)");
    CHECK("3.0 module forms and assert_exception", strcmp(kinds(), "miicg") == 0);
    CHECK("module definition", script.commands[0].module.definition && strcmp(script.commands[0].module.id, "$d") == 0);
    CHECK("module instance names, $\"d\" read as $d",
          strcmp(script.commands[1].instance_id, "$i") == 0 && strcmp(script.commands[1].definition_id, "$d") == 0 &&
              !script.commands[2].instance_id && !script.commands[2].definition_id);
    CHECK("register names an instance", strcmp(script.commands[4].instance_id, "$i") == 0);

    parse("(assert_return (invoke \"f\" (ref.null any) (ref.host 3) (ref.extern 4))\n"
          "  (either (i32.const 1) (ref.null)) (ref.struct) (ref.func) (ref.extern) (ref.null noexn))");
    const struct wast_command *c = &script.commands[0];
    CHECK("3.0 values parse", c->kind == WC_ASSERT_RETURN && c->action.nargs == 3 && c->nexpected == 5);
    CHECK("argument kinds", c->action.args[0].kind == WV_REF_NULL && c->action.args[0].heap == WH_ANY &&
          c->action.args[1].kind == WV_REF_HOST && c->action.args[1].u.i64 == 3 &&
          c->action.args[2].kind == WV_REF_EXTERN && c->action.args[2].u.i64 == 4);
    CHECK("either", c->expected[0].kind == WV_EITHER && c->expected[0].nalts == 2 &&
          c->expected[0].alts[1].kind == WV_REF_NULL && c->expected[0].alts[1].heap == WH_UNSPECIFIED);
    CHECK("reference patterns", c->expected[1].kind == WV_REF && c->expected[1].heap == WH_STRUCT &&
          c->expected[2].heap == WH_FUNC && c->expected[3].kind == WV_REF && c->expected[3].heap == WH_EXTERN &&
          c->expected[4].kind == WV_REF_NULL && c->expected[4].heap == WH_NOEXN);

    wast_script_free(&script);
    return check_failures != 0;
}
