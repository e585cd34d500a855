/* bench-data.h — the benchmarks' big vaults, made from the real resources in tests/data
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The templates of DATA_DIR's synthea/ and bulk-ndjson/ resources (bench-data.c). */
GPtrArray *bench_data_load_templates (const char *data_dir);
/* Writes N resources made from TEMPLATES to PATH as NDJSON, the person first; its size. */
guint64    bench_data_write_ndjson   (GPtrArray  *templates,
                                      guint       n,
                                      const char *path);

G_END_DECLS
