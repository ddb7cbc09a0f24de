/* What the wisp command's files share: exit statuses, error printing, the
 * help texts, the argument and result forms of `wisp run`, and each
 * command's entry point. */
#ifndef WISP_CLI_CLI_H
#define WISP_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "wisp.h"

#define EXIT_USAGE 2
#define EXIT_TRAP 134 /* what a shell reports for SIGABRT, the usual "crashed" status */

/* "wisp: <message> (see 'wisp help CMD')" on stderr; returns EXIT_USAGE.
 * cmd may be NULL for the tool as a whole. */
int usage_error(const char *cmd, const char *fmt, const char *arg);
void print_error(const wisp_error *e);
/* A file that is missing or unreadable is a usage problem, not an invalid module. */
static inline bool is_io_error(const wisp_error *e) { return e->kind == WISP_ERR_IO; }

/* Help (help.c): the overview, or one command's page. false for an unknown command. */
void help_overview(FILE *out);
bool help_command(const char *cmd, FILE *out);

/* A long option's value: "--name VALUE" or "--name=VALUE". Returns the value
 * (advancing *i past a separate one), NULL when arg is not this option, and
 * sets *missing when it is but no value follows. */
const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing);
/* A yes/no option value: y/yes/true/1 or n/no/false/0 into *out; an absent
 * value (NULL) means yes. false for anything else. */
bool parse_yes_no(const char *v, bool *out);

/* `wisp run` arguments and results (values.c). */
const char *arg_type_name(wisp_valtype t);
bool parse_arg(const char *s, wisp_valtype type, wisp_val *v);
void print_val(const wisp_val *v);

int cmd_validate(int argc, char **argv);
int cmd_wat2wasm(int argc, char **argv);
int cmd_wast(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compile(int argc, char **argv);

#endif
