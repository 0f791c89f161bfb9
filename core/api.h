/*
** api.h — the function table handed to C plugins (tandem_api). Each entry
** is a thin, checked adapter over the bus, the store and the options.
*/
#ifndef TANDEM_API_H
#define TANDEM_API_H

#include <tandem/plugin.h>

const tandem_api *api_table(void);

#endif
