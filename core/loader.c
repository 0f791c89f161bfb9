/*
** loader.c — loading C plugins.
**
** RTLD_NOW so that a missing symbol fails here rather than at the first call
** (which would kill the process); RTLD_LOCAL so that plugins cannot see each
** other's symbols. The core is linked without -export-dynamic: the only way
** into it is the function table handed to init.
*/
#include "loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema.h"
#include "text.h"

/* The descriptor fields of ABI 1.0, which every plugin has. */
#define DESC_V1_SIZE (offsetof(tandem_plugin_desc, fini) + sizeof(void (*)(tandem_plugin *)))

static int check_file(node *n, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        node_refuse(n, "%s", errno == ENOENT ? "file not found" : strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        node_refuse(n, "not a regular file");
        return -1;
    }
    if (st.st_mode & S_IWOTH) {
        node_refuse(n, "writable by anyone, so anyone could run code in tandem; chmod o-w it");
        return -1;
    }
    return 0;
}

static int check_descriptor(node *n, const tandem_plugin_desc *d)
{
    if (d == NULL) {
        node_refuse(n, "tandem_plugin_entry() returned no descriptor");
        return -1;
    }
    if (d->magic != TANDEM_PLUGIN_MAGIC) {
        node_refuse(n, "bad magic 0x%08x, not a tandem plugin descriptor", d->magic);
        return -1;
    }
    if (d->abi_major != TANDEM_ABI_MAJOR) {
        node_refuse(n,
                    "built for tandem ABI %u.%u, but this tandem speaks ABI %d; "
                    "rebuild the plugin against this tandem's <tandem/plugin.h>",
                    d->abi_major, d->abi_minor, TANDEM_ABI_MAJOR);
        return -1;
    }
    if (d->abi_minor > TANDEM_ABI_MINOR) {
        node_refuse(n, "needs ABI %u.%u, but this tandem provides %d.%d; upgrade tandem",
                    d->abi_major, d->abi_minor, TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR);
        return -1;
    }
    if (d->size < DESC_V1_SIZE) {
        node_refuse(n, "descriptor is %u bytes, smaller than ABI 1.0's %zu", d->size,
                    DESC_V1_SIZE);
        return -1;
    }
    if (d->name == NULL || !text_is_name(d->name) || strcmp(d->name, n->name) != 0) {
        node_refuse(n, "the plugin calls itself '%s', but the section is [plugin.%s]",
                    d->name ? d->name : "(null)", n->name);
        return -1;
    }
    if (d->version == NULL || d->init == NULL) {
        node_refuse(n, "the descriptor has no %s", d->version ? "init" : "version");
        return -1;
    }
    return 0;
}

static int copy_identity(node *n, const tandem_plugin_desc *d)
{
    n->version = strdup(d->version);
    n->summary = strdup(d->summary ? d->summary : "");
    if (n->version == NULL || n->summary == NULL)
        return -1;
    for (const tandem_dep *dep = d->requires; dep && dep->name; dep++)
        if (node_add_dep(n, dep->name, dep->min_version) != TANDEM_OK)
            return -1;
    return 0;
}

int loader_open(node *n, const char *path)
{
    if (check_file(n, path) != 0)
        return -1;
    dlerror();
    n->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (n->dl == NULL) {
        const char *why = dlerror();
        node_refuse(n, "cannot load it: %s (check for missing libraries with `ldd %s`)",
                    why ? why : "unknown error", path);
        return -1;
    }
    const tandem_plugin_desc *(*entry)(void);
    *(void **)&entry = dlsym(n->dl, "tandem_plugin_entry");
    if (entry == NULL) {
        node_refuse(n, "not a tandem plugin: it has no tandem_plugin_entry symbol");
        goto fail;
    }
    n->desc = entry();
    if (check_descriptor(n, n->desc) != 0)
        goto fail;
    if (copy_identity(n, n->desc) != 0) {
        node_refuse(n, "out of memory");
        goto fail;
    }
    return 0;
fail:
    dlclose(n->dl);
    n->dl = NULL;
    n->desc = NULL;
    return -1;
}

int loader_migrate(node *n, store *st)
{
    char err[600];
    struct store_scope scope = {n->name, 1};
    if (schema_migrate(st, n->name, n->desc->migrations, &scope, err, sizeof err) != 0) {
        node_refuse(n, "%s", err);
        return -1;
    }
    return 0;
}

int loader_init(node *n, const tandem_api *api)
{
    n->registering = 1;
    n->error[0] = '\0';
    int rc = n->desc->init(n, api);
    n->registering = 0;
    node_release(n, 0);
    n->initialised = 1; /* fini runs even after a failed init, to free partial work */
    if (rc != TANDEM_OK) {
        node_refuse(n, "init failed: %s; everything it registered was rolled back",
                    n->error[0] ? n->error : "no reason given");
        return -1;
    }
    return 0;
}

int loader_start(node *n)
{
    if (n->desc->start == NULL)
        return 0;
    n->error[0] = '\0';
    int rc = n->desc->start(n);
    node_release(n, 0);
    if (rc != TANDEM_OK) {
        node_refuse(n, "start failed: %s", n->error[0] ? n->error : "no reason given");
        return -1;
    }
    return 0;
}

void loader_stop(node *n)
{
    if (n->desc && n->desc->stop)
        n->desc->stop(n);
}

void loader_close(node *n)
{
    if (n->desc && n->initialised && n->desc->fini)
        n->desc->fini(n);
    n->initialised = 0;
    n->desc = NULL;
    /* TANDEM_NO_DLCLOSE keeps plugin frames readable in valgrind and ASan reports */
    if (n->dl && getenv("TANDEM_NO_DLCLOSE") == NULL)
        dlclose(n->dl);
    n->dl = NULL;
}
