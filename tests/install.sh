#!/bin/sh
# install.sh — `make install` puts the binary, plugins, scripts, sample
# configuration, header and tandem.pc in place, and a plugin built out of
# tree with `cc $(pkg-config --cflags tandem) -shared -fPIC` loads.
. "$TOP_SRCDIR/tests/lib.sh"

ROOT="$T/root"
if ! ${MAKE:-make} -s -C "$TOP_BUILDDIR" install DESTDIR="$ROOT" >"$T/install.log" 2>&1; then
    ok 1 "make install"
    sed 's/^/# /' "$T/install.log"
    done_testing
    exit 1
fi
ok 0 "make install into a staging root"

bin=$(find "$ROOT" -type f -name tandem -path '*/bin/*' | head -n 1)
pc=$(find "$ROOT" -name tandem.pc | head -n 1)
header=$(find "$ROOT" -path '*/include/tandem/plugin.h' | head -n 1)
plugin=$(find "$ROOT" -name guestbook.so | head -n 1)
script=$(find "$ROOT" -name welcome.lua | head -n 1)
config=$(find "$ROOT" -path '*/tandem/tandem.ini' | head -n 1)
[ -x "$bin" ]; ok $? "the binary is installed"
[ -f "$header" ]; ok $? "the public header is installed"
[ -f "$pc" ]; ok $? "tandem.pc is installed"
[ -f "$plugin" ]; ok $? "the example plugin is installed"
[ -f "$script" ]; ok $? "the example script is installed"
[ -f "$config" ]; ok $? "the sample configuration is installed"
[ -z "$(find "$ROOT" -name '*.la')" ]; ok $? "no libtool .la files are installed"

# a third party's plugin, outside the source tree
mkdir -p "$T/third"
cat > "$T/third/thanks.c" <<'C'
#include <tandem/plugin.h>

static const tandem_api *api;

static int on_sent(tandem_plugin *self, tandem_event *ev, void *ud)
{
    tandem_value name;
    (void)ud;
    api->event_get(ev, "name", &name);
    api->log(self, TANDEM_LOG_INFO, "third-party plugin saw %s", name.u.s.p);
    return TANDEM_OK;
}

static int init(tandem_plugin *self, const tandem_api *a)
{
    api = a;
    return api->subscribe(self, TANDEM_ON, "thanks.sent", on_sent, NULL);
}

static const tandem_plugin_desc desc = {
    TANDEM_PLUGIN_HEADER("thanks", "0.1.0", "built out of tree"), NULL, NULL, NULL, init, NULL,
    NULL, NULL};

TANDEM_EXPORT const tandem_plugin_desc *tandem_plugin_entry(void)
{
    return &desc;
}
C
PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$ROOT" \
    ${CC:-cc} $(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$ROOT" pkg-config --cflags tandem) \
    -Wall -Werror -shared -fPIC -o "$T/third/thanks.so" "$T/third/thanks.c" 2>"$T/cc.log"
ok $? "cc \$(pkg-config --cflags tandem) -shared -fPIC builds a plugin against the installed header"
sed 's/^/# /' "$T/cc.log"

cat > "$T/third.ini" <<INI
[core]
plugin_dir = $T/third
[plugin.thanks]
INI
out=$("$bin" -c "$T/third.ini" --db "$T/third.db" plugins 2>&1)
like "$out" "thanks  c     0.1.0    running" "the installed tandem loads the out-of-tree plugin"
out=$("$bin" -c "$T/third.ini" --db "$T/third.db" emit thanks.sent '{"name":"赵敏"}' 2>&1)
like "$out" "third-party plugin saw 赵敏" "and its handler runs"

done_testing
