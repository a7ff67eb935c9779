/* Placeholder: replaced by the real module. */
#include "names.h"
#include <stddef.h>
const char *names_errno_name(int value) { (void)value; return NULL; }
