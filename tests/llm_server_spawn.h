/* llm_server_spawn.h - start and stop the local test server
 * (tests/llm_server.py) from C: the LLM unit tests and bench_llm.
 * Header-only (static functions), included by both; needs SM_SOURCE_DIR.
 *
 *   pid_t pid = llm_server_start(dir, "0.1", &port);   // > 0 running; 0 no python3; -1 failed
 *   ... http://127.0.0.1:<port>/v1 ...
 *   llm_server_stop(pid);
 */
#ifndef STORYMOVIE_LLM_SERVER_SPAWN_H
#define STORYMOVIE_LLM_SERVER_SPAWN_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The interpreter, resolved once: a version-manager shim in front of
 * python3 can cost a second a call.  NULL when there is none. */
static const char *llm_server_python(void)
{
    static char python[512];
    if (python[0])
        return python;
    FILE *f = popen("python3 -c 'import sys; print(sys.executable)' 2>/dev/null", "r");
    if (f) {
        if (!fgets(python, sizeof python, f))
            python[0] = '\0';
        pclose(f);
    }
    python[strcspn(python, "\n")] = '\0';
    return python[0] ? python : NULL;
}

/* Start the server with answers delayed by `delay` seconds (a string, or
 * NULL for none), its port file in dir; waits (30 s at most) until it
 * listens.  The server stops itself after 10 minutes whatever happens. */
static pid_t llm_server_start(const char *dir, const char *delay, int *port)
{
    char portfile[512], script[512];
    snprintf(portfile, sizeof portfile, "%s/llm-server.port", dir);
    snprintf(script, sizeof script, "%s/tests/llm_server.py", SM_SOURCE_DIR);
    const char *py = llm_server_python();
    if (!py)
        return 0;
    unlink(portfile);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl(py, py, script, "--port-file", portfile, "--max-seconds", "600", "--delay", delay ? delay : "0",
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int ok = fscanf(f, "%d", port) == 1;
            fclose(f);
            if (ok)
                return pid;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

static void llm_server_stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

#endif
