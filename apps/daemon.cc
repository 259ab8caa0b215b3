// RunDaemon and ExitStatus: what every command's run shares (apps/command.h).
#include <iostream>

#include "apps/command.h"
#include "core/admin_server.h"
#include "core/auth_watchdog.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/stop.h"

namespace herald {

int ExitStatus(const Status& s, std::string_view command) {
  if (s) return 0;
  std::cerr << "herald " << command << ": " << s.error().reason << "\n";
  return 1;
}

int RunDaemon(const StageName& stage, const DaemonOptions& daemon,
              const std::function<Status(const StageContext&)>& run) {
  const std::string command(stage.command);
  // A daemon's failure, as one log line (structured, JSON when asked) for whoever collects its logs.
  auto exit_status = [&](const Status& s) {
    if (s) return 0;
    log::Error("stopped by an error", {{"command", command}, {"reason", s.error().reason}});
    return 1;
  };
  std::stop_source stop;
  SignalWatcher signals(stop, std::chrono::seconds(daemon.shutdown_timeout_s));
  metrics::Registry registry;
  metrics::AddProcessCollector(registry);
  StageMetrics metrics(std::string(stage.name), &registry);
  std::unique_ptr<AdminServer> admin;
  if (daemon.admin_port != 0) {
    auto started =
        AdminServer::Start({.host = daemon.admin_host, .port = daemon.admin_port}, registry,
                           {.live = [&] { return metrics.Liveness(std::chrono::seconds(daemon.liveness_timeout_s)); },
                            .ready = [&] { return metrics.Readiness(); }});
    if (!started) return exit_status(Unexpected(started.error()));
    admin = std::move(*started);
  }
  AuthenticationWatchdog authentication(stop, std::chrono::seconds(daemon.auth_failure_timeout_s));
  Status s = run({.stop = stop.get_token(), .metrics = &metrics, .reloads = &signals.hangups()});
  admin.reset();
  if (std::optional<std::string> refused = authentication.reason()) s = Fatal(*refused);
  return exit_status(s);
}

}  // namespace herald
