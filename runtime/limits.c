/* Placeholder: replaced by the real module. */
#include "limits.h"
