/* sig_install: sigaction(2) installing a handler (LMbench's lat_sig install); sig_catch: a
 * signal sent to oneself with kill(2), delivered to its handler and returned from, per round
 * trip (lat_sig catch). */
#include "bench.h"
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void handler(int sig)
{
    (void)sig;
    caught++;
}

static void install(long n)
{
    struct sigaction sa = {.sa_handler = handler};
    for (long i = 0; i < n; i++)
        if (sigaction(SIGUSR1, &sa, NULL) != 0)
            die("sigaction");
}

static void catch(long n)
{
    pid_t self = getpid();
    for (long i = 0; i < n; i++)
        kill(self, SIGUSR1);
}

int main(void)
{
    report("sig_install", measure(install), "ns");
    caught = 0;
    double ns = measure(catch);
    if (caught == 0) {
        errno = EINTR;
        die("SIGUSR1 never reached its handler");
    }
    report("sig_catch", ns, "ns");
    return 0;
}
