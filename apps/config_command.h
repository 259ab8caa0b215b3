// config_command.h: `herald config check FILE` and `herald config docs`.
//
// check validates a YAML config file against every command's settings table:
// each unknown key (with the nearest known one) and each bad value is printed
// as FILE:LINE: message; exit status 0 when the file is good, 1 when not.
// docs prints docs/CONFIGURATION.md, generated from the same tables; the
// suite fails when the committed file differs from what docs prints.
#pragma once

#include <ostream>
#include <string>

#include "core/settings.h"

namespace herald {

int CheckConfigFile(const SettingsCatalog& catalog, const std::string& path, std::ostream& out);
std::string ConfigurationDoc(const SettingsCatalog& catalog);

}  // namespace herald
