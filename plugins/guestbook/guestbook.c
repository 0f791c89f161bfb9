/*
** guestbook — the example C plugin: a community message board (留言簿) where
** residents thank volunteers. It exists to show every part of the plugin API
** in a few lines; docs/PLUGINS.md walks through it.
**
**   options      [plugin.guestbook] max_length, milestone
**   topic        guestbook.signed {name, message, community?}, with a state
**                projection into the private table p_guestbook_entries
**   migrations   version 1 creates the table, version 2 adds a column and an index
**   before       refuses an empty or over-long message
**   on           every `milestone` messages, emits guestbook.milestone
**   after        counts delivered messages in the key/value area
*/
#include <stdio.h>
#include <string.h>
#include <tandem/plugin.h>

static const tandem_api *api;

static const tandem_option options[] = {
    {"max_length", TANDEM_OPT_INT, "140", 1, 10000, 0, "longest message, in characters"},
    {"milestone", TANDEM_OPT_INT, "10", 1, 1000000, 0, "announce every N messages"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

static const tandem_migration migrations[] = {
    {1, "CREATE TABLE p_guestbook_entries ("
        "  event INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL,"
        "  message TEXT NOT NULL)"},
    {2, "ALTER TABLE p_guestbook_entries ADD COLUMN community TEXT;"
        "CREATE INDEX p_guestbook_by_name ON p_guestbook_entries(name)"},
    {0, NULL}};

static const tandem_field signed_fields[] = {
    {"name", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"message", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"community", TANDEM_TEXT, 0},
    {NULL, 0, 0}};

static const tandem_field milestone_fields[] = {
    {"count", TANDEM_INT, TANDEM_FIELD_REQUIRED}, {NULL, 0, 0}};

/* Characters, not bytes: 140 Chinese characters are 420 bytes. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

static int check_message(tandem_plugin *self, tandem_event *ev, void *ud)
{
    tandem_value msg, max;
    (void)ud;
    api->event_get(ev, "message", &msg);
    api->option(self, "max_length", &max);
    if (msg.type != TANDEM_TEXT || msg.u.s.n == 0)
        return api->veto(ev, "留言不能为空 (the message is empty)");
    if ((int64_t)utf8_chars(msg.u.s.p, msg.u.s.n) > max.u.i)
        return api->veto(ev, "留言超过 %lld 字 (the message is longer than %lld characters)",
                         (long long)max.u.i, (long long)max.u.i);
    return TANDEM_OK;
}

/* State projection: runs in the event's transaction and again on replay. */
static int apply_signed(tandem_plugin *self, const tandem_event *ev)
{
    tandem_value args[4];
    args[0] = tandem_int(api->event_id(ev));
    api->event_get(ev, "name", &args[1]);
    api->event_get(ev, "message", &args[2]);
    if (api->event_get(ev, "community", &args[3]) != TANDEM_OK)
        args[3] = tandem_nil();
    return api->db_exec(self,
                        "INSERT INTO p_guestbook_entries(event, name, message, community) "
                        "VALUES (?, ?, ?, ?)",
                        args, 4, NULL, NULL);
}

static int count_row(void *ud, int ncols, const tandem_value *cols)
{
    (void)ncols;
    *(int64_t *)ud = cols[0].u.i;
    return 0;
}

static int64_t entry_count(tandem_plugin *self)
{
    int64_t n = 0;
    api->db_exec(self, "SELECT count(*) FROM p_guestbook_entries", NULL, 0, count_row, &n);
    return n;
}

static int announce_milestone(tandem_plugin *self, tandem_event *ev, void *ud)
{
    tandem_value every;
    (void)ev;
    (void)ud;
    api->option(self, "milestone", &every);
    int64_t n = entry_count(self);
    if (n % every.u.i != 0)
        return TANDEM_OK;
    tandem_event *m = api->event_new(self, "guestbook.milestone");
    tandem_value count = tandem_int(n);
    api->event_set(m, "count", &count);
    return api->emit(self, m) > 0 ? TANDEM_OK : TANDEM_ERROR;
}

static int count_delivered(tandem_plugin *self, tandem_event *ev, void *ud)
{
    tandem_value v;
    (void)ev;
    (void)ud;
    int64_t n = api->kv_get(self, "delivered", &v) == TANDEM_OK ? v.u.i : 0;
    v = tandem_int(n + 1);
    return api->kv_set(self, "delivered", &v);
}

static int guestbook_init(tandem_plugin *self, const tandem_api *host)
{
    api = host;
    if (api->topic_declare(self, "guestbook.signed", signed_fields, apply_signed) ||
        api->topic_declare(self, "guestbook.milestone", milestone_fields, NULL) ||
        api->subscribe(self, TANDEM_BEFORE, "guestbook.signed", check_message, NULL) ||
        api->subscribe(self, TANDEM_ON, "guestbook.signed", announce_milestone, NULL) ||
        api->subscribe(self, TANDEM_AFTER, "guestbook.signed", count_delivered, NULL))
        return TANDEM_ERROR;
    return TANDEM_OK;
}

static int guestbook_start(tandem_plugin *self)
{
    api->log(self, TANDEM_LOG_DEBUG, "%lld messages in the guestbook",
             (long long)entry_count(self));
    return TANDEM_OK;
}

static const tandem_plugin_desc descriptor = {
    TANDEM_PLUGIN_HEADER("guestbook", "1.0.0", "community message board (留言簿), the example plugin"),
    NULL, /* no dependencies */
    options,
    migrations,
    guestbook_init,
    guestbook_start,
    NULL,
    NULL,
};

TANDEM_EXPORT const tandem_plugin_desc *tandem_plugin_entry(void)
{
    return &descriptor;
}
