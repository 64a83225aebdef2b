#pragma once

#include <QString>
#include <optional>

#include "gui/studio_options.h"

namespace faultline::gui {

class MainWindow;

// Opens what the options ask in `window` and starts it; the error, when the scenario or a choice
// is bad.
std::optional<QString> startAsAsked(MainWindow& window, const StudioOptions& options);

// startAsAsked, then waits for the run (the event loop keeps
// turning), and shows the moment --at (the end when absent). The error, when the scenario or a
// choice is bad, or the run did not finish.
std::optional<QString> runAsAsked(MainWindow& window, const StudioOptions& options);

// runAsAsked, then the window at the options' size saved as PNG.
std::optional<QString> takeScreenshot(MainWindow& window, const StudioOptions& options);

}  // namespace faultline::gui
