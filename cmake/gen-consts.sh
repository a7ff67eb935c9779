#!/bin/sh
# Placeholder: replaced by the real generator.
cat > "$1" <<'EOC'
#include <stddef.h>
EOC
