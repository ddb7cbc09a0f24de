/* Unit tests for the text format's 3.0 lexical rules: annotations skipped
 * with their id checked, and ids written as strings ($"..."), with the
 * error wordings of the spec suite (annotations.wast, id.wast). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "module.h"

/* The error a text gives, "" when it translates, as "line:col: message". */
static const char *error_of(const char *text)
{
    static char got[4200];
    wisp_error err;
    uint8_t *wasm;
    size_t len;
    if (wisp_wat_to_wasm(text, strlen(text), "t.wat", &wasm, &len, &err)) {
        free(wasm);
        return "";
    }
    snprintf(got, sizeof got, "%u:%u: %s", err.line, err.column, err.message);
    return got;
}

static bool fails_with(const char *text, const char *want)
{
    const char *got = error_of(text);
    if (strcmp(got, want) != 0)
        printf("  %s: got \"%s\", want \"%s\"\n", text, got, want);
    return strcmp(got, want) == 0;
}

/* Whether the translated module holds the bytes of s (for the name
 * section: the names written to it are the decoded ones). */
static bool output_holds(const char *text, const char *s)
{
    wisp_error err;
    uint8_t *wasm;
    size_t len, n = strlen(s);
    if (!wisp_wat_to_wasm(text, strlen(text), "t.wat", &wasm, &len, &err))
        return false;
    bool found = false;
    for (size_t i = 0; !found && i + n <= len; i++)
        found = memcmp(wasm + i, s, n) == 0;
    free(wasm);
    return found;
}

/* Texts that must fail, and how: "line:col: message". */
static const struct {
    const char *name, *text, *want;
} errors[] = {
    {"(@) is an empty annotation id", "(module (@))", "1:9: empty annotation id"},
    {"(@ x) is an empty annotation id", "(@ x)", "1:1: empty annotation id"},
    {"(@\"\") is an empty annotation id", "(@\"\")", "1:1: empty annotation id"},
    {"(@\" with no string is an empty annotation id", "(@\"\n\")", "1:1: empty annotation id"},
    {"annotation id not UTF-8", "(@\"\\ef\")", "1:3: malformed UTF-8 encoding"},
    {"annotation never closed", "(module\n  (@x (y)", "2:3: unclosed annotation"},
    {"control character in an annotation", "(@a \x01)", "1:5: illegal character"},
    {"non-ASCII character in an annotation", "(@a \xc3\xa9)", "1:5: illegal character"},
    {"bad UTF-8 in an annotation", "(@a \xc3)", "1:5: malformed UTF-8 encoding"},
    {"string never closed in an annotation", "(@a \"x)", "1:5: unclosed string"},
    {"an annotation is not a token: \"( @a)\"", "( @a)", "1:3: unknown operator @a"},
    {"$x and $\"x\" are duplicates", "(module (func $x) (func $\"x\"))", "1:25: duplicate func $\"x\""},
    {"a quoted id that differs is another id", "(module (func $x) (func (call $\"x \")))",
     "1:31: unknown function $\"x \""},
    {"$ alone is an empty identifier", "(module (func $))", "1:15: empty identifier"},
    {"$\"\" is an empty identifier", "(func $\"\")", "1:7: empty identifier"},
    {"$ then a space is an empty identifier", "(func $ \"a\")", "1:7: empty identifier"},
    {"$\" with no string is an empty identifier", "(func $\"a\tb\")", "1:7: empty identifier"},
    {"quoted id not UTF-8", "(func $\"\\ef\")", "1:7: malformed UTF-8 encoding"},
    {"quoted id glued to more is one bad token", "(func $\"a\"x)", "1:7: unknown operator $\"a\"x"},
};

int main(void)
{
    /* Annotations: skipped anywhere white space may be. */
    CHECK("annotation before a field", *error_of("(module (@a) (func))") == 0);
    CHECK("annotation with a string id", *error_of("(module (@\"a b\" x) (func))") == 0);
    CHECK("annotation with nested parentheses, strings and comments",
          *error_of("(module (@a (b (c \")\")) (; ) ;) x) (func))") == 0);
    CHECK("annotation with reserved characters", *error_of("(module (@a , ; ] [ {) (func))") == 0);
    CHECK("annotations inside a field and an instruction",
          *error_of("(module ((@a) func (@a) (result i32) ((@a) i32.const (@a) 1)))") == 0);

    /* Quoted ids. */
    CHECK("$\"f\" is $f", *error_of("(module (func $f) (func (call $\"f\")))") == 0);
    CHECK("$\"\\41\\u{42}\" is $AB", *error_of("(module (func $AB) (func (call $\"\\41\\u{42}\")))") == 0);
    CHECK("quoted label", *error_of("(module (func block $\"l\" (br $l) end $\"l\"))") == 0);
    CHECK("quoted local and param",
          *error_of("(module (func (param $\"p\" i32) (local $\"l l\" i32) (local.set $\"l l\" (local.get $p))))") ==
              0);
    CHECK("the name section holds the decoded name",
          output_holds("(module (func $\"zq\\u{79}x\"))", "zqyx") && !output_holds("(module (func $\"zq\\u{79}x\"))", "u{79}"));

    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++)
        CHECK(errors[i].name, fails_with(errors[i].text, errors[i].want));
    return check_failures != 0;
}
