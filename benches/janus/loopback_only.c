/*
 * LD_PRELOAD shim for the Janus peer of benches/janus.rs.
 *
 * Janus and libnice list the machine's addresses with getifaddrs() and leave
 * out every interface flagged IFF_LOOPBACK, so on a loopback-only benchmark
 * Janus would offer no usable ICE candidate. This wrapper calls the real
 * getifaddrs() and hands back a list holding only the loopback interface's
 * IPv4 entry, with IFF_LOOPBACK cleared: Janus then gathers 127.0.0.1 host
 * candidates and nothing else.
 *
 * freeifaddrs() still works: the entry kept is copied into the first node of
 * the original list, which is what the C library frees, and the other nodes
 * stay in place (unlinked, freed with it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>

typedef int (*getifaddrs_fn)(struct ifaddrs **);

static int is_loopback_ipv4(const struct ifaddrs *entry)
{
    if (entry->ifa_addr == NULL || entry->ifa_addr->sa_family != AF_INET)
        return 0;
    if (!(entry->ifa_flags & IFF_LOOPBACK))
        return 0;
    const struct sockaddr_in *addr = (const struct sockaddr_in *)entry->ifa_addr;
    return (ntohl(addr->sin_addr.s_addr) >> 24) == 127;
}

int getifaddrs(struct ifaddrs **list)
{
    getifaddrs_fn real = (getifaddrs_fn)dlsym(RTLD_NEXT, "getifaddrs");
    if (real == NULL)
        return -1;
    int result = real(list);
    if (result != 0 || *list == NULL)
        return result;
    struct ifaddrs *head = *list;
    struct ifaddrs *keep = NULL;
    for (struct ifaddrs *entry = head; entry != NULL; entry = entry->ifa_next) {
        if (is_loopback_ipv4(entry)) {
            keep = entry;
            break;
        }
    }
    if (keep == NULL) {
        freeifaddrs(head);
        *list = NULL;
        return 0;
    }
    if (keep != head)
        *head = *keep;
    head->ifa_next = NULL;
    head->ifa_flags = (head->ifa_flags & ~IFF_LOOPBACK) | IFF_UP | IFF_RUNNING;
    return 0;
}
