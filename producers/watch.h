// watch.h: `herald produce --watch DIR`: a daemon that produces each article
// file another system drops into a directory, once, and then moves it away.
//
//   ProduceOptions o{.watch_dir = "/var/spool/herald"};   // done files go to DIR/.done
//   Status s = RunWatch(o, context);                      // until context.stop
//
// When a file is complete: inotify reports that its writer closed it
// (IN_CLOSE_WRITE) or that it was renamed into the directory (IN_MOVED_TO: the
// safe way to drop a file, written elsewhere then moved in). A rescan every few
// seconds also takes files left untouched for `settle_ms` (present at start,
// written before the watch began, or missed when inotify's queue overflowed),
// so a file still being written is not read half-way. Hidden files (".x"),
// names ending in .tmp, .part or .partial, and (with --format auto) files
// whose extension names no article format, are left alone, as `herald
// produce DIR` skips them.
// Once: a file is moved to the done directory only after the broker has
// acknowledged every one of its articles (the producer is idempotent). A file
// that cannot be read, or whose articles were not all delivered, stays where
// it is and is tried again at a later rescan, with the reason logged; a
// daemon killed between the acknowledgement and the move produces that file
// again at its next start (at least once: the records' ids make the copies one
// record downstream). Bad article content travels on as with `herald
// produce`, to be dead-lettered by the processor.
// Metrics: herald_records_out_total{stage="producer"} articles delivered,
// herald_watch_files_total{result="done"|"failed"} files.
// Thread-safety: one RunWatch per directory.
// A file sent whose move then fails is skipped (logged as an error) until the
// daemon restarts, rather than sent again and again.
// Failure: a directory that cannot be watched, or a done directory that cannot
// be made or is on another filesystem (files are moved by rename), is a fatal
// Error at start; nothing a file holds stops the daemon.
#pragma once

#include "core/stage_metrics.h"
#include "core/status.h"
#include "producers/produce.h"

namespace herald {

Status RunWatch(const ProduceOptions& options, const StageContext& context);

// True for the names a watched directory leaves alone: hidden and partial
// files, and with kAuto those of no article format.
bool IgnoredInWatch(std::string_view file_name, ArticleFormat format);

}  // namespace herald
