/* hf-fhir-r4-private.h — the generated table of R4's element names (hf-r4-elements.c)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One resource type: its top-level JSON member names, sorted by byte (strcmp). */
typedef struct
{
  const char        *type;
  const char *const *elements;
  guint              n_elements;
  gboolean           one_identifier;   /* its identifier is an Identifier, not a list */
} HfR4Type;

/* Every R4 resource type, sorted by byte. */
extern const HfR4Type _hf_r4_types[];
extern const guint    _hf_r4_n_types;

const HfR4Type *_hf_r4_type (const char *type);

G_END_DECLS
