/*
** tiny_plugin.c — the C plugin of the start-up benchmark, compiled once per
** name (-DBENCH_PLUGIN_NAME=bp001 …) because a plugin's descriptor must
** carry the name of its [plugin.NAME] section. It subscribes one handler,
** as the smallest useful plugin does.
*/
#include <tandem/plugin.h>

#ifndef BENCH_PLUGIN_NAME
#define BENCH_PLUGIN_NAME bench_plugin
#endif
#define BENCH_STR2(x) #x
#define BENCH_STR(x) BENCH_STR2(x)

static int on_tick(tandem_plugin *self, tandem_event *ev, void *ud)
{
    (void)self;
    (void)ev;
    (void)ud;
    return TANDEM_OK;
}

static int init(tandem_plugin *self, const tandem_api *api)
{
    return api->subscribe(self, TANDEM_ON, "bench.tick", on_tick, NULL);
}

static const tandem_plugin_desc desc = {
    TANDEM_PLUGIN_HEADER(BENCH_STR(BENCH_PLUGIN_NAME), "1.0.0", "start-up benchmark plugin"),
    NULL,
    NULL,
    NULL,
    init,
    NULL,
    NULL,
    NULL};

TANDEM_EXPORT const tandem_plugin_desc *tandem_plugin_entry(void)
{
    return &desc;
}
