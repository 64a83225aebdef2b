#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/catalog_commands.h"
#include "cli/compare_command.h"
#include "cli/exit_codes.h"
#include "cli/fidelity_command.h"
#include "cli/proxy_command.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "engine/metrics/version.h"

namespace faultline::cli {

int runMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app("Faultline: a traffic-simulation and chaos lab for load-balanced, multi-region APIs",
               "faultline");
  // Not require_subcommand(): CLI11 would report a missing subcommand before an unknown word, so
  // `faultline simulate` would not name "simulate". Checked after parsing instead.
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("faultline ") + metrics::kVersion);
  RunArguments run;
  addRunCommand(app, run);
  RunArguments live;
  addLiveCommand(app, live);
  CompareArguments compare;
  addCompareCommand(app, compare);
  ReportArguments report;
  addReportCommand(app, report);
  CatalogArguments catalog;
  addCatalogCommands(app, catalog);
  ProxyArguments proxy;
  addProxyCommand(app, proxy);
  FidelityArguments fidelity;
  addFidelityCommand(app, fidelity);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, out, err);
    return code == 0 ? kExitOk : kExitBadInput;
  }

  if (app.get_subcommands().empty()) {
    err << "faultline: a subcommand is required: run, live, fidelity, compare, report, "
           "proxy, scenarios or strategies (see --help)\n";
    return kExitBadInput;
  }
  if (app.got_subcommand("run")) return runScenario(run, out, err);
  if (app.got_subcommand("live")) return runLiveScenario(live, out, err);
  if (app.got_subcommand("compare")) return compareStrategies(compare, out, err);
  if (app.got_subcommand("report")) return writeReport(report, out, err);
  if (app.got_subcommand("proxy")) return runProxy(proxy, out, err);
  if (app.got_subcommand("fidelity")) return compareFidelity(fidelity, out, err);
  if (app.got_subcommand("strategies")) return listStrategies(out);
  auto* scenarios = app.get_subcommand("scenarios");
  if (scenarios->got_subcommand("list")) return listScenarios(out);
  if (scenarios->got_subcommand("show")) return showScenario(catalog.show_name, out, err);
  return validateScenarios(catalog.validate_files, out, err);
}

}  // namespace faultline::cli
