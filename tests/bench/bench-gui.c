/* bench-gui.c — from unlock to the first timeline frame, and the app's memory, on a big vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-gui VAULT   (under a display: xvfb-run -a -s "-screen 0 1600x1000x24" …)
 * The vault is one made by "bench-import --keep" (its passphrase), or any vault whose
 * passphrase is in $HF_BENCH_PASSPHRASE. The window is driven as a user would: the passphrase
 * typed into the unlock page, Unlock clicked. Printed: the unlock (key derivation and opening,
 * off the main loop), then the time from the vault being open to the first frame that shows
 * timeline rows, the time to jump to the oldest record, and the process's memory.
 * Budgets (DESIGN.md §9): first frame ≤ 300 ms after unlock, RSS ≤ 200 MB.
 */

#include <stdio.h>
#include <string.h>

#include "hf-core.h"
#include "hf-application.h"
#include "hf-records.h"
#include "hf-secure.h"
#include "hf-timeline-row.h"
#include "hf-unlock-page-private.h"
#include "hf-vault-page-private.h"
#include "hf-window-private.h"

#define BENCH_IMPORT_PASSPHRASE "correct horse battery staple, measured"

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* VmRSS or VmHWM of this process, in MB. */
static double
status_mb (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, field)) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (field) + 1, NULL) / 1024.0;
}

static gboolean
find_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (HF_IS_TIMELINE_ROW (child) && gtk_widget_get_mapped (child))
        return TRUE;
      if (find_row (child))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  HfWindow *window;
  gint64    drawn_at;       /* the first frame after the rows were there */
  gboolean  rows;
} Watch;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Watch *w = user_data;

  /* A tick comes before the frame's layout and paint: the frame after the one in which rows
   * appeared is the first that shows them. */
  if (w->rows)
    {
      w->drawn_at = now_us ();
      return G_SOURCE_REMOVE;
    }
  w->rows = find_row (GTK_WIDGET (_hf_window_get_vault_page (w->window)));
  return G_SOURCE_CONTINUE;
}

static void
spin_until (gboolean (*done) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = now_us () + 120 * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (now_us () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
on_vault_page (gpointer data)
{
  return g_strcmp0 (_hf_window_get_page_name (data), "vault") == 0;
}

static gboolean
frame_shown (gpointer data)
{
  return ((Watch *) data)->drawn_at != 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApplication) app = NULL;
  g_autofree char *data_home = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d %H:%M %Z");
  g_autofree char *cpu = NULL;
  const char *passphrase = g_getenv ("HF_BENCH_PASSPHRASE");
  Watch watch = { 0 };
  HfUnlockPage *unlock;
  HfVaultPage *page;
  GtkSingleSelection *selection;
  GListModel *model;
  guint64 total = 0;
  gint64 clicked, opened, last_item;
  double rss_before;

  if (argc != 2)
    {
      g_printerr ("usage: bench-gui VAULT\n");
      return 1;
    }
  if (passphrase == NULL)
    passphrase = BENCH_IMPORT_PASSPHRASE;

  /* Settings and recent vaults go to a throwaway folder. */
  data_home = g_dir_make_tmp ("hf-bench-gui-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  if (!hf_core_init ())
    return 1;
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = hf_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  if (g_file_get_contents ("/proc/cpuinfo", &cpu, NULL, NULL))
    {
      char *model_name = strstr (cpu, "model name");
      char *end;
      if (model_name != NULL && (model_name = strchr (model_name, ':')) != NULL)
        {
          model_name += 2;
          if ((end = strchr (model_name, '\n')) != NULL)
            *end = '\0';
          g_print ("gui: machine: %u CPUs, %s; %s\n", g_get_num_processors (), model_name, date);
        }
    }

  watch.window = hf_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (watch.window), 1280, 800);
  hf_window_open_path (watch.window, argv[1]);
  gtk_window_present (GTK_WINDOW (watch.window));
  unlock = _hf_window_get_unlock_page (watch.window);
  /* Let the unlock page show before timing anything. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  rss_before = status_mb ("VmRSS:");

  gtk_editable_set_text (GTK_EDITABLE (_hf_unlock_page_get_passphrase_row (unlock)), passphrase);
  clicked = now_us ();
  g_signal_emit_by_name (_hf_unlock_page_get_unlock_button (unlock), "clicked");
  spin_until (on_vault_page, watch.window, "the vault to open");
  opened = now_us ();
  gtk_widget_add_tick_callback (GTK_WIDGET (watch.window), tick_cb, &watch, NULL);
  spin_until (frame_shown, &watch, "the first timeline frame");

  page = _hf_window_get_vault_page (watch.window);
  selection = _hf_vault_page_get_selection (page);
  model = G_LIST_MODEL (selection);
  hf_record_store_stats (_hf_window_get_vault (watch.window), &total, NULL);

  g_print ("gui: vault with %" G_GUINT64_FORMAT " records, timeline of %u items\n", total,
           g_list_model_get_n_items (model));
  g_print ("gui: unlock (key derivation and opening, off the main loop): %.0f ms\n",
           (opened - clicked) / 1000.0);
  g_print ("gui: vault open → first timeline frame: %.1f ms (budget ≤ 300 ms)\n",
           (watch.drawn_at - opened) / 1000.0);
  g_print ("gui: RSS before unlock %.1f MB, at the first frame %.1f MB\n", rss_before,
           status_mb ("VmRSS:"));

  /* The oldest record, as a scroll to the end would ask for it. */
  last_item = now_us ();
  {
    g_autoptr(GObject) item = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
    g_assert_nonnull (item);
  }
  g_print ("gui: the oldest record fetched in %.1f ms\n", (now_us () - last_item) / 1000.0);
  gtk_single_selection_set_selected (selection, g_list_model_get_n_items (model) - 1);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_print ("gui: RSS after showing the oldest record %.1f MB; peak %.1f MB (budget ≤ 200 MB)\n",
           status_mb ("VmRSS:"), status_mb ("VmHWM:"));

  gtk_widget_activate_action (GTK_WIDGET (watch.window), "win.lock", NULL);
  gtk_window_destroy (GTK_WINDOW (watch.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
