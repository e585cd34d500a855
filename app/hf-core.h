/* hf-core.h — the core as one: what every program using it calls first
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Initializes secure memory and gives the vault every layer's schema, in layer order. Call
 * it once, before any vault is created or opened; calling it again does nothing. FALSE:
 * secure memory could not be set up, and nothing may be opened. */
gboolean hf_core_init (void);

G_END_DECLS
