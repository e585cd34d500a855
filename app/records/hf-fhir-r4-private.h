/* hf-fhir-r4-private.h — the generated tables of R4's element names (hf-r4-elements.c) and
 * of every definition's element facts (hf-r4-structure.c)
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

enum
{
  HF_R4_ARRAY    = 1 << 0,   /* a JSON array */
  HF_R4_REQUIRED = 1 << 1,   /* min >= 1 (for a choice group: each of its alternatives) */
};

/* One element of a definition: its JSON member name, the definition its value is ("Reference",
 * "Encounter_Diagnosis", "ResourceList" for any resource; NULL for a primitive) and flags. */
typedef struct
{
  const char *name;
  const char *type;
  guint       flags;
} HfR4Element;

/* One definition (a resource type, a datatype, a backbone element such as
 * Encounter_Diagnosis): its elements, sorted by byte (strcmp). */
typedef struct
{
  const char        *name;
  const HfR4Element *elements;
  guint              n_elements;
} HfR4Definition;

/* Every R4 definition that has elements, sorted by byte. */
extern const HfR4Definition _hf_r4_definitions[];
extern const guint          _hf_r4_n_definitions;

const HfR4Definition *_hf_r4_definition (const char *name);
const HfR4Element    *_hf_r4_element    (const char *definition,
                                         const char *element);

G_END_DECLS
