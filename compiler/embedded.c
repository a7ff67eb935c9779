/* embedded.c - the table of embedded policy files (generated arrays, see
 * CMakeLists.txt: cell_embed). */
#include "embedded.h"

#include <string.h>

extern const char embedded_default_cell[], embedded_lib_system_cell[],
    embedded_lib_hardening_cell[], embedded_lib_base_syscalls_cell[];
extern const size_t embedded_default_cell_len, embedded_lib_system_cell_len,
    embedded_lib_hardening_cell_len, embedded_lib_base_syscalls_cell_len;

static const struct embedded_file files[] = {
    {EMBEDDED_PREFIX "default.cell", embedded_default_cell, &embedded_default_cell_len},
    {EMBEDDED_PREFIX "lib/system.cell", embedded_lib_system_cell, &embedded_lib_system_cell_len},
    {EMBEDDED_PREFIX "lib/hardening.cell", embedded_lib_hardening_cell,
     &embedded_lib_hardening_cell_len},
    {EMBEDDED_PREFIX "lib/base-syscalls.cell", embedded_lib_base_syscalls_cell,
     &embedded_lib_base_syscalls_cell_len},
};

const struct embedded_file *embedded_find(const char *path)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}
