/* main.c — the entry point of healthfolio, the graphical application
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>

#include <glib/gi18n.h>

#include "hf-core.h"
#include "hf-application.h"
#include "hf-secure.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HfApplication) app = NULL;

  /* Keys and passphrases must never reach a core file. */
  hf_secure_disable_core_dumps ();

  if (!hf_core_init ())
    {
      g_printerr ("healthfolio: cannot set up protected memory for keys\n");
      return 1;
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = hf_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
