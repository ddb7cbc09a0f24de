/* Host half of the socket test, on the public embedding API: makes the
 * sockets, hands them to the guest (tests/wasi/sock/guest.c) as its fds
 * 3-5 with wisp_wasi_config_preopen_socket, runs it, then checks from the
 * outside what the guest sent. Prints PASS/FAIL lines.
 * usage: host GUEST.wasm */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wisp.h"

static int failures;
static void check(int ok, const char *what)
{
    printf("%s sock host: %s\n", ok ? "PASS" : "FAIL", what);
    failures += !ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: host GUEST.wasm\n");
        return 2;
    }
    int stream[2], dgram[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, stream) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram)) {
        perror("socketpair");
        return 1;
    }
    const char hello[] = "hello from host";
    if (write(stream[1], hello, strlen(hello)) != (ssize_t)strlen(hello))
        return 1;
    char dg[100];
    memset(dg, 'd', sizeof dg);
    if (write(dgram[1], dg, sizeof dg) != (ssize_t)sizeof dg)
        return 1;

    /* A listening socket in the abstract namespace with one client queued. */
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "wisp-sock-test-%d", (int)getpid());
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr.sun_path + 1));
    int listener = socket(AF_UNIX, SOCK_STREAM, 0), client = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || client < 0 || bind(listener, (struct sockaddr *)&addr, alen) || listen(listener, 4) ||
        connect(client, (struct sockaddr *)&addr, alen)) {
        perror("listen/connect");
        return 1;
    }
    const char to_accepted[] = "to the accepted socket";
    if (write(client, to_accepted, strlen(to_accepted)) != (ssize_t)strlen(to_accepted))
        return 1;

    wisp_error err;
    wisp_wasi_config *cfg = wisp_wasi_config_new();
    wisp_wasi_config_push_arg(cfg, "guest");
    check(wisp_wasi_config_preopen_socket(cfg, stream[0], &err), "stream socket handed in");
    check(wisp_wasi_config_preopen_socket(cfg, listener, &err), "listening socket handed in");
    check(wisp_wasi_config_preopen_socket(cfg, dgram[0], &err), "datagram socket handed in");
    int pipefd[2];
    if (pipe(pipefd))
        return 1;
    check(!wisp_wasi_config_preopen_socket(cfg, pipefd[0], &err) && err.kind == WISP_ERR_IO,
          "a pipe is refused as a socket");
    close(pipefd[0]);
    close(pipefd[1]);
    /* The config keeps duplicates: closing ours must not matter. */
    close(stream[0]);
    close(listener);
    close(dgram[0]);

    wisp_engine *engine = wisp_engine_new();
    wisp_module *m = wisp_module_load_file(engine, argv[1], &err);
    if (!m) {
        fprintf(stderr, "load: %s\n", err.message);
        return 1;
    }
    wisp_store *store = wisp_store_new(engine);
    check(wisp_store_add_wasi(store, cfg, &err), "wisp_store_add_wasi");
    check(!wisp_store_add_wasi(store, cfg, &err) && strstr(err.message, "already"), "WASI added only once per store");
    wisp_wasi_config_free(cfg);
    wisp_instance *inst = wisp_instance_new(store, m, &err);
    check(inst != NULL, "instantiate");
    wisp_func *start = inst ? wisp_instance_func(inst, "_start") : NULL;
    bool ran = start && wisp_func_call(store, start, NULL, 0, NULL, 0, &err);
    fflush(stdout);
    check(ran || (err.kind == WISP_ERR_EXIT && err.exit_code == 0), "guest ran to the end");

    char buf[256];
    ssize_t n = read(stream[1], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    check(n == 19 && strcmp(buf, "ping from the guest") == 0, "the guest's two iovecs arrived as one message");
    check(read(stream[1], buf, sizeof buf) == 0, "the guest's shutdown(wr) is an end of file here");
    n = read(client, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    check(n == 4 && strcmp(buf, "pong") == 0, "the accepted connection answered");
    check(read(client, buf, sizeof buf) == 0, "the accepted connection was shut down and closed");

    wisp_store_free(store);
    wisp_module_free(m);
    wisp_engine_free(engine);
    /* Freeing the store closed the guest's (and the config's) duplicates,
     * so the peer is gone. */
    check(send(stream[1], "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE,
          "freeing the store closed the guest's sockets");
    close(stream[1]);
    close(dgram[1]);
    close(client);
    return failures ? 1 : 0;
}
