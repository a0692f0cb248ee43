/* The floor under hangar's start-up time: the smallest libadwaita application that
 * draws a window (an AdwApplicationWindow with a header bar and one label), then
 * prints `drawn ms=T` the way `hangar --quit-after-load` does (T = ms since the
 * process started, from /proc, taken after the first painted frame) and quits.
 *
 * bench.py compiles it on the fly (cc, pkg-config libadwaita-1, both in the build
 * dependencies) and runs it beside hangar, so the report can say how much of hangar's
 * time is GTK's own start-up on this machine and how much is hangar's.
 */
#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long ms_since_start(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  p += 2;
  /* starttime is field 22 overall, the 20th after the command name. */
  for (int i = 0; i < 19 && p; i++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (!p) return -1;
  double start_ticks = strtod(p, NULL);
  double uptime = 0;
  f = fopen("/proc/uptime", "r");
  if (!f || fscanf(f, "%lf", &uptime) != 1) {
    if (f) fclose(f);
    return -1;
  }
  fclose(f);
  return (long) ((uptime - start_ticks / sysconf(_SC_CLK_TCK)) * 1000.0);
}

static void after_paint(GdkFrameClock *clock, gpointer app) {
  static gboolean done = FALSE;
  if (done) return;
  done = TRUE;
  printf("drawn ms=%ld\n", ms_since_start());
  fflush(stdout);
  g_application_quit(G_APPLICATION(app));
}

static void on_map(GtkWidget *widget, gpointer app) {
  GdkFrameClock *clock = gtk_widget_get_frame_clock(widget);
  g_signal_connect_after(clock, "after-paint", G_CALLBACK(after_paint), app);
  gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static void activate(GtkApplication *app, gpointer data) {
  GtkWidget *window = adw_application_window_new(app);
  gtk_window_set_default_size(GTK_WINDOW(window), 1100, 720);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), adw_header_bar_new());
  GtkWidget *label = gtk_label_new("Hangar floor");
  gtk_widget_set_vexpand(label, TRUE);
  gtk_box_append(GTK_BOX(box), label);
  adw_application_window_set_content(ADW_APPLICATION_WINDOW(window), box);
  g_signal_connect(window, "map", G_CALLBACK(on_map), app);
  gtk_window_present(GTK_WINDOW(window));
}

int main(int argc, char **argv) {
  AdwApplication *app =
      adw_application_new("io.github.hangarapp.BenchFloor", G_APPLICATION_NON_UNIQUE);
  g_signal_connect(app, "activate", G_CALLBACK(activate), NULL);
  int status = g_application_run(G_APPLICATION(app), argc, argv);
  g_object_unref(app);
  return status;
}
