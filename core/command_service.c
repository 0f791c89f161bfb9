/*
** command_service.c — reading the service record: hours.
*/
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "model.h"

static int valid_day(const char *s)
{
    int y, m, d;
    char tail;
    return s == NULL || (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3);
}

static int read_total(void *ud, int ncols, const tandem_value *cols)
{
    struct service_total *t = ud;
    (void)ncols;
    t->minutes = cols[0].type == TANDEM_INT ? cols[0].u.i : 0;
    t->times = cols[1].u.i;
    return 1;
}

static int read_name(void *ud, int ncols, const tandem_value *cols)
{
    struct service_total *t = ud;
    (void)ncols;
    snprintf(t->name, sizeof t->name, "%s", cols[0].u.s.p);
    snprintf(t->volunteer_no, sizeof t->volunteer_no, "%s", cols[1].u.s.p);
    return 1;
}

int command_hours(struct core *c, int64_t person, const char *from, const char *to,
                  struct service_total *out)
{
    memset(out, 0, sizeof *out);
    if (!valid_day(from) || !valid_day(to))
        return -1;
    tandem_value args[3] = {tandem_int(person), tandem_text(from ? from : "0000-00-00"),
                            tandem_text(to ? to : "9999-12-31")};
    command_query(c, "SELECT name, volunteer_no FROM person WHERE id = ?", args, 1, read_name,
                  out);
    return command_query(c,
                         "SELECT sum(minutes), count(*) FROM attendance WHERE person = ?1 "
                         "AND status IN ('closed', 'auto_closed', 'corrected') "
                         "AND date(checkin_at, 'unixepoch', 'localtime') BETWEEN ?2 AND ?3",
                         args, 3, read_total, out) == TANDEM_OK
               ? 0
               : -1;
}
